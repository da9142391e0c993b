"""A shopper signs up, verifies the emailed code, logs out and logs back in, in a real browser."""
import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

NAME = "Grace Hopper"
EMAIL = "grace@example.com"
PASSWORD = "compiler-1952-cobol"
SCREENSHOT = "/tmp/e2e_journey.png"


def navbar(page):
    return page.get_by_role("navigation", name="Main")


def expect_signed_in(page):
    expect(navbar(page).get_by_role("button", name="My account")).to_be_visible()
    expect(navbar(page).get_by_role("link", name="Log in", exact=True)).to_have_count(0)


def log_out(page):
    navbar(page).get_by_role("button", name="My account").click()  # open the dropdown
    navbar(page).get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have been logged out.")).to_be_visible()
    expect(navbar(page).get_by_role("link", name="Log in", exact=True)).to_be_visible()


def test_shopper_signs_up_verifies_logs_out_and_logs_back_in(page, live_server, mailbox):
    page.goto(f"{live_server.url}/auth/signup")
    page.get_by_label("Full name").fill(NAME)
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()

    expect(page).to_have_url(re.compile(r"/auth/verify\?email="))
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    code = mailbox.wait_for(EMAIL, subject="code:", timeout=15).code
    page.get_by_label("6-digit code").fill(code)
    page.get_by_role("button", name="Verify email").click()

    expect(page.get_by_text("Your email is verified. Welcome!")).to_be_visible()
    expect_signed_in(page)
    log_out(page)

    navbar(page).get_by_role("link", name="Log in", exact=True).click()
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    expect(page.get_by_text(f"Welcome back, {NAME}.")).to_be_visible()
    expect_signed_in(page)
    log_out(page)
    page.screenshot(path=SCREENSHOT, full_page=True)
