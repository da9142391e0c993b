"""One-time email codes: hashed, short-lived, rate-limited and locked after wrong guesses."""
import hashlib
import hmac
import math
import secrets
import time

from flask import current_app

from app.extensions import db
from app.services.accounts.otp_store import DatabaseOtpStore

SIGNUP = "signup"
RESET = "reset"


def now():
    """The clock; tests move it instead of sleeping."""
    return time.time()


class OtpError(Exception):
    """A code could not be sent or accepted; `str(error)` is a message for the person."""

    def __init__(self, message, retry_after=0):
        super().__init__(message)
        self.retry_after = int(retry_after)


class ResendCooldown(OtpError):
    pass


class TooManySends(OtpError):
    pass


class AttemptsLocked(OtpError):
    pass


class CodeExpired(OtpError):
    pass


class WrongCode(OtpError):
    def __init__(self, message, attempts_left):
        super().__init__(message)
        self.attempts_left = attempts_left


def _store():
    return DatabaseOtpStore(db)


def _hash(purpose, email, code):
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{email}:{code}".encode(), hashlib.sha256).hexdigest()


def _minutes(seconds):
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _check_lock(state, t):
    if state.locked_until > t:
        wait = state.locked_until - t
        raise AttemptsLocked(
            f"Too many wrong codes. Try again in {_minutes(wait)}.", retry_after=wait
        )


def issue_code(purpose, email):
    """Create a fresh code for `email` and return it; the caller emails it."""
    cfg = current_app.config
    code = f"{secrets.randbelow(10**6):06d}"

    def change(state):
        t = now()
        _check_lock(state, t)
        cooldown_left = state.last_sent_at + cfg["OTP_RESEND_COOLDOWN_SECONDS"] - t
        if cooldown_left > 0:
            wait = math.ceil(cooldown_left)
            raise ResendCooldown(
                f"A code was just sent. You can ask for another in {wait} "
                f"second{'s' if wait != 1 else ''}.",
                retry_after=wait,
            )
        if t - state.window_started_at >= 3600:
            state.window_started_at, state.sends_in_window = t, 0
        if state.sends_in_window >= cfg["OTP_MAX_SENDS_PER_HOUR"]:
            wait = state.window_started_at + cfg["OTP_SPAM_LOCK_SECONDS"] - t
            raise TooManySends(
                f"Too many codes requested for this address. Try again in {_minutes(wait)}.",
                retry_after=wait,
            )
        state.sends_in_window += 1
        state.last_sent_at = t
        state.code_hash = _hash(purpose, email, code)
        state.expires_at = t + cfg["OTP_TTL_SECONDS"]
        state.failed_attempts = 0
        return code

    return _store().update(purpose, email, change)


def verify_code(purpose, email, code):
    """Accept `code` once or raise an OtpError saying why not."""
    cfg = current_app.config
    code = (code or "").strip().replace(" ", "")

    def change(state):
        t = now()
        _check_lock(state, t)
        if not state.code_hash or state.expires_at <= t:
            state.code_hash = None
            raise CodeExpired("That code has expired. Ask for a new one.")
        if not hmac.compare_digest(state.code_hash, _hash(purpose, email, code)):
            state.failed_attempts += 1
            left = cfg["OTP_MAX_ATTEMPTS"] - state.failed_attempts
            if left <= 0:
                state.code_hash = None
                state.locked_until = t + cfg["OTP_ATTEMPT_LOCK_SECONDS"]
                raise AttemptsLocked(
                    "Too many wrong codes. Try again in "
                    f"{_minutes(cfg['OTP_ATTEMPT_LOCK_SECONDS'])}.",
                    retry_after=cfg["OTP_ATTEMPT_LOCK_SECONDS"],
                )
            raise WrongCode(
                f"That code is not right. {left} attempt{'s' if left != 1 else ''} left.",
                attempts_left=left,
            )
        state.code_hash = None
        state.failed_attempts = 0
        return True

    return _store().update(purpose, email, change)


def resend_wait(purpose, email):
    """Seconds until another code may be sent (0 when it may be sent now)."""
    cooldown = current_app.config["OTP_RESEND_COOLDOWN_SECONDS"]
    state = _store().peek(purpose, email)
    return math.ceil(max(0.0, state.last_sent_at + cooldown - now()))
