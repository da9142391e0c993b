"""The one rule for what counts as an email address, shared by the forms, the API and the CLI."""
from email_validator import EmailNotValidError, validate_email

MAX_LENGTH = 254


class InvalidEmail(ValueError):
    """Not an address anyone could sign in with; the message says why, for the person."""


def checked_email(value):
    """`value` trimmed and lower-cased (as accounts are stored), or InvalidEmail.

    Syntax only: no DNS look-up, nothing here reaches the internet. Reserved names such as
    `.local`, `.test` and `localhost` are refused, as they can never receive mail.
    """
    email = (value or "").strip().lower()
    if len(email) > MAX_LENGTH:
        raise InvalidEmail(f"Email addresses are at most {MAX_LENGTH} characters.")
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidEmail(f"Enter a valid email address, like name@example.com. {error}") \
            from None
    return email
