"""Forgotten passwords (emailed code, then a one-use token) and changing a known password."""
import re
import time

import pytest
from itsdangerous import TimestampSigner

from app.mail import send_email
from tests.factories import PASSWORD

NEW_PASSWORD = "brass-lantern-58"
RESET_SUBJECT = "Your Bazaar password reset code"
CHANGED_SUBJECT = "Your password was changed"


def all_mail_delivered(app, mailbox):
    """Send a marker and wait for it: mail queued before it (one FIFO worker) is out too."""
    with app.app_context():
        send_email("marker@example.com", "marker", "welcome", name="Marker", is_seller=False)
    mailbox.wait_for("marker@example.com")


def log_in(client, email, password=PASSWORD):
    return client.post("/auth/login", data={"email": email, "password": password})


def is_signed_in(client):
    return client.get("/account/").status_code == 200


def reset_link(client, mailbox, email):
    """Ask for a reset, enter the emailed code, and return the reset form's path."""
    client.post("/auth/forgot", data={"email": email})
    code = mailbox.wait_for(email, subject=RESET_SUBJECT).code
    response = client.post("/auth/reset/verify", data={"email": email, "code": code})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response.location


def choose(client, link, password=NEW_PASSWORD):
    return client.post(link, data={"password": password, "confirm": password})


def test_forgot_password_answers_the_same_for_known_and_unknown_emails(app, factory):
    user = factory.shopper(email="known@example.com")

    def ask(email):
        client = app.test_client()
        response = client.post("/auth/forgot", data={"email": email})
        page = client.get(response.location).get_data(as_text=True)
        page = re.sub(r'name="csrf-token" content="[^"]*"', "", page)  # differs per session
        return response.status_code, response.location.replace(email, "X"), page.replace(
            email, "X")

    assert ask(user.email) == ask("nobody@example.com")


def test_forgot_password_emails_a_code_only_to_an_existing_account(app, client, factory,
                                                                   mailbox):
    user = factory.shopper()
    client.post("/auth/forgot", data={"email": user.email})
    client.post("/auth/forgot", data={"email": "nobody@example.com"})
    assert mailbox.wait_for(user.email, subject=RESET_SUBJECT).code
    all_mail_delivered(app, mailbox)
    assert mailbox.messages("nobody@example.com") == []


def test_the_emailed_code_leads_to_the_new_password_form(client, factory, mailbox):
    user = factory.shopper()
    link = reset_link(client, mailbox, user.email)
    assert link.startswith("/auth/reset/")
    page = client.get(link)
    assert page.status_code == 200
    assert "Choose a new password" in page.get_data(as_text=True)


def test_a_wrong_reset_code_is_refused_with_attempts_left(client, factory, mailbox):
    user = factory.shopper()
    client.post("/auth/forgot", data={"email": user.email})
    code = mailbox.wait_for(user.email, subject=RESET_SUBJECT).code
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    response = client.post("/auth/reset/verify", data={"email": user.email, "code": wrong})
    assert response.status_code == 422
    assert "2 attempts left" in response.get_data(as_text=True)


def test_after_a_reset_the_new_password_works_and_the_old_one_fails(client, factory, mailbox):
    user = factory.shopper()
    response = choose(client, reset_link(client, mailbox, user.email))
    assert response.status_code == 302
    assert response.location == "/auth/login"
    assert log_in(client, user.email).status_code == 422
    assert log_in(client, user.email, NEW_PASSWORD).status_code == 302


def test_a_reset_signs_out_other_sessions(app, client, factory, mailbox):
    user = factory.shopper()
    elsewhere = app.test_client()
    log_in(elsewhere, user.email)
    choose(client, reset_link(client, mailbox, user.email))
    assert not is_signed_in(elsewhere)


def test_a_reset_emails_a_password_changed_notice(client, factory, mailbox):
    user = factory.shopper()
    choose(client, reset_link(client, mailbox, user.email))
    assert "other devices were signed out" in mailbox.wait_for(
        user.email, subject=CHANGED_SUBJECT).text


def test_the_reset_link_works_only_once(client, factory, mailbox):
    user = factory.shopper()
    link = reset_link(client, mailbox, user.email)
    choose(client, link)
    response = choose(client, link, password="another-choice-77")
    assert response.status_code == 302
    assert response.location == "/auth/forgot"
    assert "expired or was already used" in client.get("/auth/forgot").get_data(as_text=True)
    assert log_in(client, user.email, NEW_PASSWORD).status_code == 302


def test_the_reset_link_expires(client, factory, mailbox, monkeypatch, app):
    user = factory.shopper()
    link = reset_link(client, mailbox, user.email)
    lifetime = app.config["PASSWORD_RESET_TOKEN_SECONDS"]
    monkeypatch.setattr(TimestampSigner, "get_timestamp",
                        lambda self: int(time.time()) + lifetime + 1)
    response = client.get(link)
    assert response.status_code == 302
    assert response.location == "/auth/forgot"
    assert log_in(client, user.email).status_code == 302


def test_a_tampered_reset_link_is_refused(client, factory, mailbox):
    user = factory.shopper()
    link = reset_link(client, mailbox, user.email)
    assert client.get(link[:-2] + "xx").location == "/auth/forgot"


def test_the_new_password_must_pass_the_policy(client, factory, mailbox):
    user = factory.shopper()
    link = reset_link(client, mailbox, user.email)
    response = choose(client, link, password="password123")
    assert response.status_code == 422
    assert "too common" in response.get_data(as_text=True)
    assert log_in(client, user.email).status_code == 302


@pytest.fixture
def signed_in(client, factory):
    user = factory.shopper()
    assert log_in(client, user.email).status_code == 302
    return user


def change(client, current=PASSWORD, new=NEW_PASSWORD):
    return client.post("/account/password", data={
        "current_password": current, "password": new, "confirm": new,
    })


def test_changing_the_password_needs_the_current_one(client, signed_in):
    response = change(client, current="not-my-password-1")
    assert response.status_code == 422
    assert "Your current password is not right." in response.get_data(as_text=True)
    assert log_in(client, signed_in.email).status_code == 302


def test_a_changed_password_must_pass_the_policy(client, signed_in):
    response = change(client, new="kettlekettle")
    assert response.status_code == 422
    assert "Include at least one number or symbol." in response.get_data(as_text=True)


def test_changing_the_password_keeps_this_session(client, signed_in):
    response = change(client)
    assert response.status_code == 302
    assert response.location == "/account/"
    assert is_signed_in(client)


def test_changing_the_password_signs_out_other_sessions(app, client, factory, signed_in):
    elsewhere = app.test_client()
    log_in(elsewhere, signed_in.email)
    change(client)
    assert not is_signed_in(elsewhere)


def test_after_a_change_only_the_new_password_logs_in(app, client, signed_in):
    change(client)
    other = app.test_client()
    assert log_in(other, signed_in.email).status_code == 422
    assert log_in(other, signed_in.email, NEW_PASSWORD).status_code == 302


def test_changing_the_password_emails_a_notice(client, signed_in, mailbox):
    change(client)
    assert mailbox.wait_for(signed_in.email, subject=CHANGED_SUBJECT)
