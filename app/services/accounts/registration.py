"""Sign-up, email verification, sign-in and password changes for every role."""
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from app.extensions import db
from app.mail import send_email
from app.models.accounts import Role, User
from app.models.base import utcnow
from app.models.shops import BlockedSellerEmail
from app.services.accounts import otp, sessions
from app.services.accounts.passwords import (
    burn_verification_time,
    hash_password,
    password_problems,
    verify_password,
)


class AccountError(Exception):
    """A request about an account was refused; `str(error)` is a message for the person."""


class InvalidCredentials(AccountError):
    def __init__(self):
        super().__init__("That email and password do not match an account.")


class AccountBanned(AccountError):
    def __init__(self):
        super().__init__(
            "This account has been suspended. Contact support if you think this is a mistake."
        )


class EmailNotVerified(AccountError):
    def __init__(self):
        super().__init__("Please verify your email address first; we can send a new code.")


class EmailBlocked(AccountError):
    def __init__(self):
        super().__init__("This email address cannot be used to open a shop.")


class WeakPassword(AccountError):
    def __init__(self, problems):
        super().__init__(" ".join(problems))
        self.problems = problems


class InvalidResetToken(AccountError):
    def __init__(self):
        super().__init__("That reset link has expired or was already used. Start again.")


def normalise_email(email):
    return (email or "").strip().lower()


def find_user(email):
    return db.session.scalars(select(User).filter_by(email=normalise_email(email))).first()


def is_blocked_seller_email(email):
    query = select(BlockedSellerEmail.id).filter_by(email=normalise_email(email))
    return db.session.scalars(query).first() is not None


def _check_password(password, email, name=None):
    problems = password_problems(password, email=email, name=name)
    if problems:
        raise WeakPassword(problems)


def register(email, name, password, role=Role.SHOPPER):
    """Start a sign-up and email a verification code.

    Answers the same way whether or not the address already has an account, so sign-up
    cannot be used to discover who is registered: an existing owner gets a notice instead.
    Raises OtpError (cooldown, spam lock), WeakPassword or EmailBlocked.
    """
    email = normalise_email(email)
    _check_password(password, email, name)
    if role == Role.SELLER and is_blocked_seller_email(email):
        raise EmailBlocked()
    user = find_user(email)
    # The code comes first: a cooldown or spam lock refuses before anything is written.
    # Registered addresses get the same limits (and the same hashing time), so a quick
    # second attempt is answered alike; their code is never sent and cannot verify them.
    code = otp.issue_code(otp.SIGNUP, email)
    password_hash = hash_password(password)
    if user is not None and user.is_verified:
        send_email(email, "Someone tried to sign up with your email", "account_exists",
                   name=user.name)
        return None
    if user is None:
        user = User(email=email, name=name.strip(), role=role)
        db.session.add(user)
    else:
        # An unfinished sign-up: whoever proves the address now owns it.
        user.name, user.role = name.strip(), role
    user.password_hash = password_hash
    db.session.commit()
    _email_signup_code(user, code)
    return user


def send_signup_code(email):
    """Email a fresh verification code to an unverified account (silently nothing otherwise)."""
    email = normalise_email(email)
    code = otp.issue_code(otp.SIGNUP, email)
    user = find_user(email)
    if user is not None and not user.is_verified:
        _email_signup_code(user, code)


def _email_signup_code(user, code):
    send_email(user.email, f"Your {current_app.config['SITE_NAME']} code: {code}",
               "verification_code", name=user.name, code=code, purpose="verify your email",
               minutes=current_app.config["OTP_TTL_SECONDS"] // 60)


def verify_signup(email, code):
    """Accept the emailed code and mark the account verified; returns the user."""
    email = normalise_email(email)
    otp.verify_code(otp.SIGNUP, email, code)
    user = find_user(email)
    # Codes are made for any address (so answers reveal nothing) but emailed only to
    # unverified accounts: one must never sign in a verified account by being guessed.
    if user is None or user.is_verified:
        raise otp.CodeExpired("That code has expired. Ask for a new one.")
    user.email_verified_at = utcnow()
    db.session.commit()
    send_email(email, f"Welcome to {current_app.config['SITE_NAME']}", "welcome",
               name=user.name, is_seller=user.is_seller)
    return user


def authenticate(email, password):
    """The user these credentials belong to, or an AccountError that reveals nothing more."""
    user = find_user(email)
    if user is None or not user.password_hash:
        burn_verification_time(password)
        raise InvalidCredentials()
    if not verify_password(user.password_hash, password):
        raise InvalidCredentials()
    # Only someone who knows the password learns the account's state.
    if user.is_banned:
        raise AccountBanned()
    if not user.is_verified:
        raise EmailNotVerified()
    return user


def record_login(user):
    user.last_login_at = utcnow()
    db.session.commit()


def start_password_reset(email):
    """Email a reset code if the account exists; behaves identically when it does not."""
    email = normalise_email(email)
    code = otp.issue_code(otp.RESET, email)
    user = find_user(email)
    if user is not None and not user.is_banned:
        send_email(email, f"Your {current_app.config['SITE_NAME']} password reset code",
                   "verification_code", name=user.name, code=code,
                   purpose="reset your password",
                   minutes=current_app.config["OTP_TTL_SECONDS"] // 60)


def _reset_serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def verify_reset_code(email, code):
    """Exchange a correct reset code for a short-lived signed token."""
    email = normalise_email(email)
    otp.verify_code(otp.RESET, email, code)
    user = find_user(email)
    if user is None or user.is_banned:
        raise otp.CodeExpired("That code has expired. Ask for a new one.")
    return _reset_serializer().dumps({"uid": user.id, "v": user.session_version})


def user_for_reset_token(token):
    try:
        data = _reset_serializer().loads(
            token, max_age=current_app.config["PASSWORD_RESET_TOKEN_SECONDS"]
        )
    except (BadSignature, SignatureExpired):
        raise InvalidResetToken() from None
    user = db.session.get(User, data.get("uid")) if isinstance(data, dict) else None
    # The version changes with every password change, so a token works once.
    if user is None or user.session_version != data.get("v") or user.is_banned:
        raise InvalidResetToken()
    return user


def reset_password(token, new_password):
    user = user_for_reset_token(token)
    _set_password(user, new_password)
    if not user.is_verified:
        user.email_verified_at = utcnow()  # they proved the address with the emailed code
    db.session.commit()
    send_email(user.email, "Your password was changed", "password_changed", name=user.name)
    return user


def change_password(user, current_password, new_password):
    if not verify_password(user.password_hash, current_password):
        raise AccountError("Your current password is not right.")
    _set_password(user, new_password)
    db.session.commit()
    send_email(user.email, "Your password was changed", "password_changed", name=user.name)


def _set_password(user, new_password):
    _check_password(new_password, user.email, user.name)
    user.password_hash = hash_password(new_password)
    user.session_version = (user.session_version or 1) + 1
    # Every browser is signed out; a password change then signs this one in afresh.
    sessions.revoke_sessions(user.id)


def login_with_google(sub, email, email_verified, name):
    """The account for a Google identity: linked by subject, else by a Google-verified email."""
    if not sub or not email:
        raise AccountError("Google did not share an email address with us.")
    user = db.session.scalars(select(User).filter_by(google_sub=str(sub))).first()
    if user is None:
        if not email_verified:
            raise AccountError("Your Google email address is not verified.")
        user = find_user(email)
        if user is None:
            user = User(email=normalise_email(email), name=(name or email.split("@")[0])[:120],
                        role=Role.SHOPPER, email_verified_at=utcnow())
            db.session.add(user)
        elif not user.is_verified:
            # An unfinished sign-up: Google has proved the address, so its owner takes over
            # and the password chosen by whoever started it (perhaps not them) stops working.
            user.email_verified_at = utcnow()
            user.name = (name or email.split("@")[0])[:120]
            user.password_hash = None
            user.session_version = (user.session_version or 1) + 1
        user.google_sub = str(sub)
    if user.is_banned:
        raise AccountBanned()
    db.session.commit()
    return user
