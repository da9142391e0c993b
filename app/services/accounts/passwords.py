"""Password hashing (Argon2id) and the password policy, with messages a person can act on."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

MIN_LENGTH = 10
MAX_LENGTH = 128
COMMON_PASSWORDS = frozenset({
    "password", "password1", "password12", "password123", "passw0rd", "1234567890", "12345678910",
    "qwertyuiop", "qwerty1234", "qwerty12345", "1q2w3e4r5t", "1qaz2wsx3edc", "letmein123",
    "welcome123", "iloveyou12", "admin12345", "administrator", "abc1234567", "football12",
    "baseball12", "sunshine12", "princess12", "dragon1234", "monkey1234", "trustno1234",
    "superman12", "changeme12", "bazaar1234", "marketplace",
})

# OWASP's Argon2id recommendation: m=19 MiB, t=2, p=1.
_owasp = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Tests hash thousands of passwords; the policy is identical, only the cost is lower.
_fast = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


def _hasher():
    return _fast if current_app.config.get("PASSWORD_HASH_FAST") else _owasp


def hash_password(password):
    return _hasher().hash(password)


def verify_password(password_hash, password):
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A valid hash of a random password: verifying against it when the account does not exist
# makes a failed login take as long as a real one, so timing does not reveal emails.
_DUMMY_HASHES = {}


def burn_verification_time(password):
    key = bool(current_app.config.get("PASSWORD_HASH_FAST"))
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = _hasher().hash("not-a-real-password-0")
    verify_password(_DUMMY_HASHES[key], password)


def password_problems(password, email=None, name=None):
    """Everything wrong with a proposed password, as sentences; empty when it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters (you have {len(password)}).")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    if not any(c.isalpha() for c in password):
        problems.append("Include at least one letter.")
    if not any(c.isdigit() for c in password) and not any(
        not c.isalnum() for c in password
    ):
        problems.append("Include at least one number or symbol.")
    if password and len(set(password)) < 4:
        problems.append("Use more than a few different characters.")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS:
        problems.append("That password is too common; choose something less guessable.")
    # What others know of you (your address, your name) adds nothing a guesser lacks, so it
    # may appear in a password but does not count towards its length. Only the address's
    # local part and the whole address count as known: a word shared with the domain
    # ("bazaar" in ops@bazaar.shop) is an ordinary word, and a long password may contain it.
    address = (email or "").strip().lower()
    problems += _leans_on(lowered, (address, address.split("@")[0]), "email address")
    problems += _leans_on(lowered, ((name or "").strip().lower(),), "name")
    return problems


def _leans_on(lowered, known, what):
    """The problem, if any, with a password that is mostly something known about its owner.
    Words under 4 characters ("joe") are too common inside other words to count."""
    known = [word for word in known if len(word) >= 4 and word in lowered]
    if not known:
        return []
    rest = lowered
    for word in known:  # the whole address first, then what is left of its local part
        rest = rest.replace(word, "")
    if len(rest) >= MIN_LENGTH:
        return []
    return [f"Your password leans on your {what}: besides “{known[0]}” it needs at least "
            f"{MIN_LENGTH} characters of its own (it has {len(rest)})."]
