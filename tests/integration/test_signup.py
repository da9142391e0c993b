"""Signing up as a shopper or a seller: the emailed code, its page, and the refusals."""
import re
import time

import pytest

from app.mail import send_email
from app.services.accounts import otp
from tests.factories import PASSWORD

EMAIL = "new.person@example.com"
NEW_PASSWORD = "brass-lantern-58"
VERIFY_URL = f"/auth/verify?email={EMAIL}"


def sign_up(client, email=EMAIL, password=NEW_PASSWORD, name="New Person", seller=False):
    return client.post("/auth/seller/signup" if seller else "/auth/signup", data={
        "name": name, "email": email, "password": password, "confirm": password,
    })


def verify(client, code, email=EMAIL):
    return client.post("/auth/verify", data={"email": email, "code": code})


def all_mail_delivered(app, mailbox):
    """Send a marker and wait for it: mail queued before it (one FIFO worker) is out too."""
    with app.app_context():
        send_email("marker@example.com", "marker", "welcome", name="Marker", is_seller=False)
    mailbox.wait_for("marker@example.com")


def wrong(code):
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.fixture
def clock(monkeypatch):
    """Moves the one-time-code clock forward: `clock(61)`."""
    offset = [0.0]
    monkeypatch.setattr(otp, "now", lambda: time.time() + offset[0])

    def advance(seconds):
        offset[0] += seconds

    return advance


def test_shopper_signup_leads_to_the_verify_page(client):
    response = sign_up(client)
    assert response.status_code == 302
    assert response.location == VERIFY_URL
    page = client.get(response.location).get_data(as_text=True)
    assert "Check your email" in page
    assert EMAIL in page


def test_shopper_signup_emails_a_six_digit_code(client, mailbox):
    sign_up(client)
    mail = mailbox.wait_for(EMAIL)
    assert re.fullmatch(r"\d{6}", mail.code)
    assert mail.code in mail.subject
    assert "verify your email" in mail.text


def test_the_right_code_verifies_and_signs_the_shopper_in(client, mailbox):
    sign_up(client)
    response = verify(client, mailbox.latest_code(EMAIL))
    assert response.status_code == 302
    assert response.location == "/"
    assert client.get("/account/").status_code == 200


def test_a_verified_shopper_gets_a_welcome_email(client, mailbox):
    sign_up(client)
    verify(client, mailbox.latest_code(EMAIL))
    assert mailbox.wait_for(EMAIL, subject="Welcome to")


def test_seller_signup_continues_to_create_your_shop(client, mailbox):
    sign_up(client, seller=True)
    response = verify(client, mailbox.latest_code(EMAIL))
    assert response.status_code == 302
    assert response.location == "/seller/shop/new"
    assert client.get("/seller/").location == "/seller/shop/new"


def test_creating_the_shop_lands_on_the_seller_dashboard(client, mailbox):
    sign_up(client, seller=True)
    verify(client, mailbox.latest_code(EMAIL))
    response = client.post("/seller/shop/new", data={"name": "Lantern Works", "country": "GB"})
    assert response.status_code == 302
    assert response.location == "/seller/"
    assert client.get("/seller/").status_code == 200


def test_a_wrong_code_says_how_many_attempts_are_left(client, mailbox):
    sign_up(client)
    response = verify(client, wrong(mailbox.latest_code(EMAIL)))
    assert response.status_code == 422
    assert "That code is not right. 2 attempts left." in response.get_data(as_text=True)
    assert client.get("/account/").status_code == 302


def test_a_resend_within_the_cooldown_is_refused_with_a_flash(app, client, mailbox, clock):
    sign_up(client)
    clock(20)
    response = client.post("/auth/verify/resend", data={"email": EMAIL}, follow_redirects=True)
    assert "You can ask for another in 40 seconds." in response.get_data(as_text=True)
    all_mail_delivered(app, mailbox)
    assert len(mailbox.messages(EMAIL)) == 1


def test_a_resend_after_the_cooldown_sends_a_new_code_that_works(client, mailbox, clock):
    sign_up(client)
    mailbox.wait_for(EMAIL)
    clock(61)
    response = client.post("/auth/verify/resend", data={"email": EMAIL}, follow_redirects=True)
    assert f"We sent a new code to {EMAIL}." in response.get_data(as_text=True)
    second = mailbox.wait_for(EMAIL, count=2)
    assert verify(client, second.code).location == "/"


def test_signup_with_a_verified_email_shows_the_same_check_your_email_step(client, factory):
    factory.shopper(email=EMAIL)
    response = sign_up(client)
    assert response.status_code == 302
    assert response.location == VERIFY_URL
    assert "Check your email" in client.get(VERIFY_URL).get_data(as_text=True)


def test_signup_with_a_verified_email_tells_the_owner_instead_of_sending_a_code(
        app, client, factory, mailbox):
    factory.shopper(email=EMAIL)
    sign_up(client)
    all_mail_delivered(app, mailbox)
    [mail] = mailbox.messages(EMAIL)
    assert mail.subject == "Someone tried to sign up with your email"
    assert "You already have one." in mail.text
    assert mail.code is None


def test_signup_with_a_verified_email_leaves_the_password_unchanged(client, factory, mailbox):
    factory.shopper(email=EMAIL)
    sign_up(client)
    mailbox.wait_for(EMAIL)
    refused = client.post("/auth/login", data={"email": EMAIL, "password": NEW_PASSWORD})
    assert refused.status_code == 422
    accepted = client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD})
    assert accepted.status_code == 302


def test_an_unfinished_signup_can_be_restarted_with_new_details(client, mailbox, clock):
    sign_up(client, password="first-attempt-11")
    mailbox.wait_for(EMAIL)
    clock(61)
    assert sign_up(client, name="Second Try", password=NEW_PASSWORD).status_code == 302
    response = verify(client, mailbox.wait_for(EMAIL, count=2).code)
    assert response.status_code == 302
    client.post("/auth/logout")
    login = client.post("/auth/login", data={"email": EMAIL, "password": NEW_PASSWORD})
    assert login.status_code == 302


def test_a_blocked_seller_email_cannot_open_a_shop_account(app, client, factory, mailbox):
    factory.blocked_seller_email(EMAIL)
    response = sign_up(client, seller=True)
    assert response.status_code == 422
    assert "This email address cannot be used to open a shop." in response.get_data(as_text=True)
    all_mail_delivered(app, mailbox)
    assert mailbox.messages(EMAIL) == []


def test_a_blocked_seller_email_may_still_sign_up_as_a_shopper(client, factory):
    factory.blocked_seller_email(EMAIL)
    assert sign_up(client).status_code == 302


def test_a_weak_password_shows_the_policy_messages(app, client, mailbox):
    response = sign_up(client, password="kettle")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Use at least 10 characters (you have 6)." in page
    assert "Include at least one number or symbol." in page
    all_mail_delivered(app, mailbox)
    assert mailbox.messages(EMAIL) == []


def test_mismatched_passwords_are_refused(client):
    response = client.post("/auth/signup", data={
        "name": "New Person", "email": EMAIL, "password": NEW_PASSWORD, "confirm": "other-one-99",
    })
    assert response.status_code == 422
    assert "The passwords do not match." in response.get_data(as_text=True)


def test_the_verification_email_is_delivered_by_real_smtp(make_app, smtp_sink, mailbox):
    smtp_app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_sink.port)
    assert sign_up(smtp_app.test_client()).status_code == 302
    mailbox.wait_for(EMAIL)
    [mail] = smtp_sink.to(EMAIL)  # by SMTP, not into the outbox
    assert re.fullmatch(r"Your Bazaar code: \d{6}", mail.subject)
    assert mail.code and mail.code in mail.subject
    assert mail.code in mail.html
    assert "<html" in mail.html.lower()


def test_a_quick_second_signup_is_answered_alike_for_registered_and_new_emails(
        app, factory, monkeypatch):
    factory.shopper(email="taken@example.com")
    monkeypatch.setattr(otp, "now", lambda: 1_800_000_000.0)

    def second_signup(email):
        client = app.test_client()
        sign_up(client, email=email)
        response = sign_up(client, email=email)
        page = re.sub(r'name="csrf-token" content="[^"]*"', "", response.get_data(as_text=True))
        return response.status_code, page.replace(email, "X")

    assert second_signup("taken@example.com") == second_signup("free@example.com")


def test_a_signup_code_never_signs_in_an_already_verified_account(client, factory, monkeypatch):
    factory.shopper(email=EMAIL)
    issued = []
    real_issue_code = otp.issue_code

    def spy(purpose, email):
        issued.append(real_issue_code(purpose, email))
        return issued[-1]

    monkeypatch.setattr(otp, "issue_code", spy)
    client.post("/auth/verify/resend", data={"email": EMAIL})
    assert issued, "a resend answers like any other, so a code is made (and never emailed)"
    response = verify(client, issued[-1])  # as if someone guessed it
    assert response.status_code == 422
    assert client.get("/account/").status_code == 302

