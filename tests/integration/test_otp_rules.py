"""One-time codes: hashed, short-lived, rate-limited, locked after wrong guesses.

Their state lives in the database in both runs (SQLite embedded, PostgreSQL in services).
"""
import threading
from collections import Counter

import pytest
from sqlalchemy import select

from app.extensions import db, jobs
from app.models.accounts import OneTimeCode
from app.services.accounts import otp

EMAIL = "otp-person@example.com"


class Clock:
    """Stands in for `otp.now`; a test moves it forward instead of sleeping."""

    def __init__(self, start=1_800_000_000.0):
        self.t = start

    def __call__(self):
        return self.t

    def advance(self, seconds):
        self.t += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(otp, "now", clock)
    return clock


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app
        db.session.remove()


def wrong(code):
    """A 6-digit code that is not `code`."""
    return f"{(int(code) + 1) % 10**6:06d}"


def stored_state(purpose, email):
    """Everything the store keeps for this purpose and email, as text."""
    row = db.session.scalars(select(OneTimeCode).filter_by(purpose=purpose, email=email)).first()
    if row is None:
        return ""
    return repr({c.name: getattr(row, c.name) for c in OneTimeCode.__table__.columns})


def test_the_code_is_six_digits_and_stored_only_as_a_hash(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    state = stored_state(otp.SIGNUP, EMAIL)
    assert len(code) == 6 and code.isdigit()
    assert state, "the store keeps some state for the code"
    assert code not in state


def test_the_code_state_is_kept_in_the_database_even_with_redis(ctx, clock):
    # Redis would lose every code and lock when it restarts empty.
    otp.issue_code(otp.SIGNUP, EMAIL)
    rows = db.session.scalars(select(OneTimeCode)).all()
    assert [(r.purpose, r.email) for r in rows] == [(otp.SIGNUP, EMAIL)]
    if jobs.redis is not None:
        assert not any(jobs.redis.scan_iter(match="otp:*"))


def test_the_right_code_is_accepted(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    assert otp.verify_code(otp.SIGNUP, EMAIL, code) is True


def test_a_code_with_spaces_around_and_inside_is_accepted(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    assert otp.verify_code(otp.SIGNUP, EMAIL, f" {code[:3]} {code[3:]} ") is True


def test_a_code_works_only_once(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    otp.verify_code(otp.SIGNUP, EMAIL, code)
    with pytest.raises(otp.CodeExpired):
        otp.verify_code(otp.SIGNUP, EMAIL, code)


def test_a_code_is_still_valid_just_before_five_minutes(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    clock.advance(5 * 60 - 1)
    assert otp.verify_code(otp.SIGNUP, EMAIL, code) is True


def test_a_code_expires_after_five_minutes(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    clock.advance(5 * 60)
    with pytest.raises(otp.CodeExpired, match="expired"):
        otp.verify_code(otp.SIGNUP, EMAIL, code)


def test_a_code_never_issued_is_refused_as_expired(ctx, clock):
    with pytest.raises(otp.CodeExpired):
        otp.verify_code(otp.SIGNUP, EMAIL, "123456")


def test_a_resend_within_a_minute_is_refused_with_the_seconds_left(ctx, clock):
    otp.issue_code(otp.SIGNUP, EMAIL)
    clock.advance(15)
    with pytest.raises(otp.ResendCooldown, match=r"in 45 seconds") as refused:
        otp.issue_code(otp.SIGNUP, EMAIL)
    assert refused.value.retry_after == 45


def test_resend_wait_counts_down_the_cooldown(ctx, clock):
    assert otp.resend_wait(otp.SIGNUP, EMAIL) == 0
    otp.issue_code(otp.SIGNUP, EMAIL)
    clock.advance(20)
    assert otp.resend_wait(otp.SIGNUP, EMAIL) == 40
    clock.advance(40)
    assert otp.resend_wait(otp.SIGNUP, EMAIL) == 0


def test_a_resend_after_the_cooldown_replaces_the_old_code(ctx, clock):
    first = otp.issue_code(otp.SIGNUP, EMAIL)
    clock.advance(60)
    second = otp.issue_code(otp.SIGNUP, EMAIL)
    if first != second:  # one chance in a million they match
        with pytest.raises(otp.WrongCode):
            otp.verify_code(otp.SIGNUP, EMAIL, first)
    assert otp.verify_code(otp.SIGNUP, EMAIL, second) is True


def test_a_wrong_code_says_how_many_attempts_are_left(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    with pytest.raises(otp.WrongCode, match="2 attempts left") as first:
        otp.verify_code(otp.SIGNUP, EMAIL, wrong(code))
    with pytest.raises(otp.WrongCode, match="1 attempt left") as second:
        otp.verify_code(otp.SIGNUP, EMAIL, wrong(code))
    assert (first.value.attempts_left, second.value.attempts_left) == (2, 1)


def test_the_third_wrong_code_locks_for_thirty_minutes(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    for _ in range(2):
        with pytest.raises(otp.WrongCode):
            otp.verify_code(otp.SIGNUP, EMAIL, wrong(code))
    with pytest.raises(otp.AttemptsLocked, match="30 minutes") as locked:
        otp.verify_code(otp.SIGNUP, EMAIL, wrong(code))
    assert locked.value.retry_after == 30 * 60


def lock_out(code):
    for _ in range(3):
        with pytest.raises((otp.WrongCode, otp.AttemptsLocked)):
            otp.verify_code(otp.SIGNUP, EMAIL, wrong(code))


def test_the_right_code_is_refused_while_locked(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    lock_out(code)
    clock.advance(29 * 60)
    with pytest.raises(otp.AttemptsLocked, match="1 minute"):
        otp.verify_code(otp.SIGNUP, EMAIL, code)


def test_a_fourth_wrong_code_is_refused_while_locked(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    lock_out(code)
    with pytest.raises(otp.AttemptsLocked):
        otp.verify_code(otp.SIGNUP, EMAIL, wrong(code))


def test_no_new_code_is_sent_while_locked(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    lock_out(code)
    clock.advance(10 * 60)
    with pytest.raises(otp.AttemptsLocked, match="20 minutes"):
        otp.issue_code(otp.SIGNUP, EMAIL)


def test_the_code_from_before_the_lock_is_dead_after_it(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    lock_out(code)
    clock.advance(30 * 60)
    with pytest.raises(otp.CodeExpired):
        otp.verify_code(otp.SIGNUP, EMAIL, code)


def test_a_fresh_code_after_the_lock_is_accepted_with_full_attempts(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    lock_out(code)
    clock.advance(30 * 60)
    fresh = otp.issue_code(otp.SIGNUP, EMAIL)
    with pytest.raises(otp.WrongCode, match="2 attempts left"):
        otp.verify_code(otp.SIGNUP, EMAIL, wrong(fresh))
    assert otp.verify_code(otp.SIGNUP, EMAIL, fresh) is True


def test_sends_beyond_the_hourly_limit_lock_the_address(app, ctx, clock):
    limit = app.config["OTP_MAX_SENDS_PER_HOUR"]
    for _ in range(limit):
        otp.issue_code(otp.SIGNUP, EMAIL)
        clock.advance(61)
    with pytest.raises(otp.TooManySends, match="Too many codes requested") as refused:
        otp.issue_code(otp.SIGNUP, EMAIL)
    assert refused.value.retry_after > 0


def test_sending_is_allowed_again_an_hour_after_the_first_send(app, ctx, clock):
    limit = app.config["OTP_MAX_SENDS_PER_HOUR"]
    for _ in range(limit):
        otp.issue_code(otp.SIGNUP, EMAIL)
        clock.advance(61)
    clock.advance(3600 - 61 * limit)
    assert otp.issue_code(otp.SIGNUP, EMAIL)


def test_a_signup_code_does_not_start_a_cooldown_for_reset_codes(ctx, clock):
    otp.issue_code(otp.SIGNUP, EMAIL)
    assert otp.issue_code(otp.RESET, EMAIL)


def test_a_signup_code_is_not_accepted_as_a_reset_code(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    with pytest.raises(otp.CodeExpired):
        otp.verify_code(otp.RESET, EMAIL, code)
    assert otp.verify_code(otp.SIGNUP, EMAIL, code) is True


def test_a_locked_signup_code_leaves_reset_codes_working(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    lock_out(code)
    reset_code = otp.issue_code(otp.RESET, EMAIL)
    assert otp.verify_code(otp.RESET, EMAIL, reset_code) is True


def test_another_address_is_not_affected_by_a_lock(ctx, clock):
    code = otp.issue_code(otp.SIGNUP, EMAIL)
    lock_out(code)
    other = otp.issue_code(otp.SIGNUP, "someone-else@example.com")
    assert otp.verify_code(otp.SIGNUP, "someone-else@example.com", other) is True


def test_concurrent_wrong_guesses_get_no_more_than_three_attempts(app, clock):
    # SQLite's write lock in the embedded run, PostgreSQL's row lock in the services run.
    with app.app_context():
        code = otp.issue_code(otp.SIGNUP, EMAIL)
        db.session.remove()
    guessers = 6
    start = threading.Barrier(guessers)
    outcomes = []

    def guess():
        with app.app_context():
            try:
                start.wait()
                otp.verify_code(otp.SIGNUP, EMAIL, wrong(code))
            except Exception as error:  # every outcome is counted, whatever it is
                outcomes.append(type(error).__name__)
            else:
                outcomes.append("accepted")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=guess) for _ in range(guessers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert Counter(outcomes) == {"WrongCode": 2, "AttemptsLocked": 4}
    with app.app_context(), pytest.raises(otp.AttemptsLocked):
        otp.verify_code(otp.SIGNUP, EMAIL, code)
