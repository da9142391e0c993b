"""`flask create-admin`: the login form's address rule, the password prompt, the password rules."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.accounts import Role, User

PASSWORD = "copper-kettle-19"
# Each is refused by the login form (reserved domain, no dot, a double dot).
REFUSED = ["boss@bazaar.local", "boss@localhost", "boss..ops@example.com"]


def admins(in_app):
    return in_app(lambda: db.session.scalars(
        select(User.email).filter_by(role=Role.ADMIN)).all())


@pytest.mark.parametrize("email", REFUSED)
def test_create_admin_refuses_an_address_the_login_form_refuses(runner, in_app, email):
    result = runner.invoke(args=["create-admin", "--email", email, "--password", PASSWORD])
    assert result.exit_code == 2
    assert "Enter a valid email address, like name@example.com." in result.output
    assert admins(in_app) == []


@pytest.mark.parametrize("email", REFUSED)
def test_the_login_form_refuses_the_same_addresses(client, email):
    html = client.post("/auth/login", data={"email": email, "password": PASSWORD}) \
        .get_data(as_text=True)
    assert "Enter a valid email address, like name@example.com." in html


def test_create_admin_stores_the_address_as_the_login_form_reads_it(runner, in_app, client):
    result = runner.invoke(args=["create-admin", "--email", "  Boss@Example.com ",
                                 "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert admins(in_app) == ["boss@example.com"]
    response = client.post("/auth/login", data={"email": "Boss@Example.com",
                                                "password": PASSWORD})
    assert response.status_code == 302


def test_create_admin_asks_for_the_password_twice_when_not_given(runner, in_app):
    result = runner.invoke(args=["create-admin", "--email", "boss@example.com"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output
    assert admins(in_app) == ["boss@example.com"]


def test_create_admin_accepts_a_strong_password_containing_a_word_of_the_address(runner, in_app):
    result = runner.invoke(args=["create-admin", "--email", "admin@bazaar.example",
                                 "--password", "Bazaar-admin-kettle-19"])
    assert result.exit_code == 0, result.output
    assert admins(in_app) == ["admin@bazaar.example"]


def test_create_admin_explains_a_password_built_on_the_address(runner, in_app):
    result = runner.invoke(args=["create-admin", "--email", "maria.lopez@example.com",
                                 "--password", "Maria.Lopez-77"])
    assert result.exit_code == 2
    assert "Your password leans on your email address" in result.output
    assert admins(in_app) == []
