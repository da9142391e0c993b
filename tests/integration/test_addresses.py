"""The address book: one default, the 20-address limit, ownership and hostile input."""
import html
import re
import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models.accounts import Address
from app.models.base import utcnow
from app.services.accounts import addresses as address_service
from tests.factories_account import address_form, create_address

SCRIPT = "<script>alert(1)</script>"


def book(in_app, user):
    """[(id, full_name, is_default)] of the user's addresses, by id."""
    return in_app(lambda: [
        (a.id, a.full_name, a.is_default) for a in db.session.scalars(
            select(Address).where(Address.user_id == user.id).order_by(Address.id))])


def total_addresses(in_app):
    return in_app(lambda: db.session.scalar(select(func.count(Address.id))))


def defaults(in_app, user):
    return [address_id for address_id, _, is_default in book(in_app, user) if is_default]


def errors_on(body):
    found = re.findall(r'<div class="invalid-feedback d-block"[^>]*>(.*?)</div>\s*</div>'
                       r'|<div class="alert alert-danger[^"]*" role="alert">(.*?)</div>\s*</div>',
                       body, re.S)
    texts = [re.sub(r"<[^>]+>", " ", a or b) for a, b in found]
    return [" ".join(html.unescape(t).split()) for t in texts if t.strip()]


def test_first_address_becomes_the_default(client, auth, in_app):
    shopper = auth.login_as("shopper")
    response = client.post("/account/addresses/new", data=address_form())
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/account/addresses"
    assert [d for _, _, d in book(in_app, shopper)] == [True]


def test_a_later_address_does_not_take_the_default_unless_asked(client, auth, in_app):
    shopper = auth.login_as("shopper")
    client.post("/account/addresses/new", data=address_form(full_name="First"))
    client.post("/account/addresses/new", data=address_form(full_name="Second"))
    assert [(name, d) for _, name, d in book(in_app, shopper)] == [
        ("First", True), ("Second", False)]


def test_a_new_address_marked_default_takes_over_the_default(client, auth, in_app):
    shopper = auth.login_as("shopper")
    client.post("/account/addresses/new", data=address_form(full_name="First"))
    client.post("/account/addresses/new", data=address_form(full_name="Second", make_default="y"))
    assert [(name, d) for _, name, d in book(in_app, shopper)] == [
        ("First", False), ("Second", True)]


def test_making_an_address_default_undefaults_the_others(app, client, auth, in_app):
    shopper = auth.login_as("shopper")
    first = create_address(app, shopper, is_default=True)
    second = create_address(app, shopper)
    response = client.post(f"/account/addresses/{second.id}/default")
    assert response.status_code == 302
    assert defaults(in_app, shopper) == [second.id]
    client.post(f"/account/addresses/{first.id}/default")
    assert defaults(in_app, shopper) == [first.id]


def test_making_the_default_default_again_changes_nothing(app, client, auth, in_app):
    shopper = auth.login_as("shopper")
    first = create_address(app, shopper, is_default=True)
    create_address(app, shopper)
    assert client.post(f"/account/addresses/{first.id}/default").status_code == 302
    assert defaults(in_app, shopper) == [first.id]


def test_concurrent_default_changes_leave_exactly_one_default(app, in_app, factory):
    shopper = factory.shopper()
    ids = [create_address(app, shopper, is_default=(k == 0)).id for k in range(6)]
    errors = []
    start = threading.Barrier(len(ids))

    def choose(address_id):
        with app.app_context():
            try:
                start.wait()
                address_service.set_default(shopper.id, address_id)
            except Exception as error:  # noqa: BLE001 - collected and asserted below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=choose, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(defaults(in_app, shopper)) == 1


def test_deleting_the_default_promotes_the_most_recent_other_address(app, client, auth, in_app):
    shopper = auth.login_as("shopper")
    now = utcnow()
    default = create_address(app, shopper, is_default=True, created_at=now - timedelta(days=3))
    older = create_address(app, shopper, created_at=now - timedelta(days=9))
    newest = create_address(app, shopper, created_at=now - timedelta(days=1))
    response = client.post(f"/account/addresses/{default.id}/delete", follow_redirects=True)
    assert "is now the default" in response.get_data(as_text=True)
    assert defaults(in_app, shopper) == [newest.id]
    assert {a for a, _, _ in book(in_app, shopper)} == {older.id, newest.id}


def test_deleting_another_address_keeps_the_default(app, client, auth, in_app):
    shopper = auth.login_as("shopper")
    default = create_address(app, shopper, is_default=True)
    other = create_address(app, shopper)
    client.post(f"/account/addresses/{other.id}/delete")
    assert book(in_app, shopper) == [(default.id, "Ada Lovelace", True)]


def test_deleting_the_last_address_leaves_an_empty_book(app, client, auth, in_app):
    shopper = auth.login_as("shopper")
    only = create_address(app, shopper, is_default=True)
    body = client.post(f"/account/addresses/{only.id}/delete",
                       follow_redirects=True).get_data(as_text=True)
    assert book(in_app, shopper) == []
    assert "No saved addresses yet." in body


def test_editing_an_address_saves_the_changes(app, client, auth, in_app):
    shopper = auth.login_as("shopper")
    address = create_address(app, shopper, is_default=True)
    page = client.get(f"/account/addresses/{address.id}/edit").get_data(as_text=True)
    assert 'value="12 Analytical Row"' in page
    response = client.post(f"/account/addresses/{address.id}/edit",
                           data=address_form(full_name="Grace Hopper", city="Arlington",
                                             country="US", postal_code="22201"))
    assert response.status_code == 302
    row = in_app(lambda: db.session.get(Address, address.id))
    assert (row.full_name, row.city, row.country, row.postal_code) == (
        "Grace Hopper", "Arlington", "US", "22201")


def test_editing_with_bad_input_changes_nothing(app, client, auth, in_app):
    shopper = auth.login_as("shopper")
    address = create_address(app, shopper, is_default=True)
    before = book(in_app, shopper)
    response = client.post(f"/account/addresses/{address.id}/edit",
                           data=address_form(full_name=SCRIPT, city=""))
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert SCRIPT not in body
    assert "Enter the town or city." in errors_on(body)
    assert book(in_app, shopper) == before


def test_editing_the_default_keeps_it_the_default(app, client, auth, in_app):
    shopper = auth.login_as("shopper")
    address = create_address(app, shopper, is_default=True)
    create_address(app, shopper)
    page = client.get(f"/account/addresses/{address.id}/edit").get_data(as_text=True)
    assert "This is your default address" in page
    client.post(f"/account/addresses/{address.id}/edit", data=address_form(city="Bath"))
    assert defaults(in_app, shopper) == [address.id]


def test_editing_with_make_default_moves_the_default(app, client, auth, in_app):
    shopper = auth.login_as("shopper")
    create_address(app, shopper, is_default=True)
    other = create_address(app, shopper)
    client.post(f"/account/addresses/{other.id}/edit", data=address_form(make_default="y"))
    assert defaults(in_app, shopper) == [other.id]


def test_address_list_shows_the_default_first_and_only_own_addresses(app, client, auth,
                                                                     factory):
    shopper = auth.login_as("shopper")
    create_address(app, shopper, full_name="Plain One")
    create_address(app, shopper, full_name="Chosen One", is_default=True)
    create_address(app, factory.shopper(), full_name="Someone Else")
    body = client.get("/account/addresses").get_data(as_text=True)
    assert body.index("Chosen One") < body.index("Plain One")
    assert "Someone Else" not in body
    assert "United Kingdom" in body


@pytest.mark.parametrize(("method", "suffix"), [("GET", "edit"), ("POST", "edit"),
                                                ("POST", "delete"), ("POST", "default")])
def test_someone_elses_address_is_not_found_and_not_changed(app, client, auth, factory, in_app,
                                                            method, suffix):
    auth.login_as("shopper")
    owner = factory.shopper()
    theirs = create_address(app, owner, full_name="Their Name", is_default=False)
    before = book(in_app, owner)
    response = client.open(f"/account/addresses/{theirs.id}/{suffix}", method=method,
                           data=address_form(full_name="Hijacked", make_default="y"))
    assert response.status_code == 404
    assert "Their Name" not in response.get_data(as_text=True)
    assert book(in_app, owner) == before


def test_twenty_addresses_is_the_limit(app, client, auth, in_app):
    shopper = auth.login_as("shopper")
    for k in range(address_service.MAX_ADDRESSES):
        create_address(app, shopper, is_default=(k == 0))
    page = client.get("/account/addresses/new").get_data(as_text=True)
    assert "the most you can keep" in page
    response = client.post("/account/addresses/new", data=address_form(full_name="One Too Many"))
    assert response.status_code == 422
    assert any("up to 20 addresses" in e for e in errors_on(response.get_data(as_text=True)))
    assert len(book(in_app, shopper)) == 20


@pytest.mark.parametrize("path", ["/account/addresses", "/account/addresses/new",
                                  "/account/addresses/1/edit"])
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/auth/login"


@pytest.mark.parametrize("action", ["delete", "default"])
def test_anonymous_posts_change_nothing(app, client, factory, in_app, action):
    owner = factory.shopper()
    address = create_address(app, owner, is_default=True)
    response = client.post(f"/account/addresses/{address.id}/{action}")
    assert urlsplit(response.location).path == "/auth/login"
    assert book(in_app, owner) == [(address.id, "Ada Lovelace", True)]


REQUIRED = ("full_name", "line1", "city", "postal_code", "country")
OPTIONAL = ("line2", "region", "phone", "label")
LIMITS = {"full_name": 120, "line1": 200, "line2": 200, "city": 100, "region": 100,
          "label": 40, "postal_code": 12, "phone": 20}
BAD = {
    "script": SCRIPT,
    "nul": "ab\x00cd",
    "bell": "ab\x07cd",
    "rtl_override": "\u202eevil",
    "html_entity_lookalike": "<b>bold</b>",
}


@pytest.mark.parametrize("field", REQUIRED)
@pytest.mark.parametrize("value", ["", "   "], ids=["empty", "blank"])
def test_missing_required_field_gets_a_clear_message_and_nothing_is_written(
        client, auth, in_app, field, value):
    auth.login_as("shopper")
    response = client.post("/account/addresses/new", data=address_form(**{field: value}))
    assert response.status_code == 422
    messages = errors_on(response.get_data(as_text=True))
    assert len(messages) == 1 and messages[0].startswith(("Enter", "Choose")), messages
    assert total_addresses(in_app) == 0


@pytest.mark.parametrize("field", list(LIMITS))
def test_too_long_values_get_a_clear_message_and_nothing_is_written(client, auth, in_app,
                                                                     field):
    auth.login_as("shopper")
    value = "7" * (LIMITS[field] + 1) if field in ("postal_code", "phone") else "a" * 5000
    response = client.post("/account/addresses/new", data=address_form(**{field: value}))
    assert response.status_code == 422
    assert errors_on(response.get_data(as_text=True))
    assert total_addresses(in_app) == 0


@pytest.mark.parametrize("field", [f for f in LIMITS if f not in ("postal_code", "phone")])
@pytest.mark.parametrize("name", list(BAD))
def test_markup_and_control_characters_are_refused(client, auth, in_app, field, name):
    auth.login_as("shopper")
    response = client.post("/account/addresses/new", data=address_form(**{field: BAD[name]}))
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert SCRIPT not in body
    messages = errors_on(body)
    assert any("control characters" in m or "no < or >" in m for m in messages), messages
    assert total_addresses(in_app) == 0


@pytest.mark.parametrize("value", ["<>", "SW1A\x001AA", "1", "-12345", "12#45", "東京123"])
def test_odd_postal_codes_are_refused_with_an_example(client, auth, in_app, value):
    auth.login_as("shopper")
    response = client.post("/account/addresses/new", data=address_form(postal_code=value))
    assert response.status_code == 422
    messages = errors_on(response.get_data(as_text=True))
    assert any("postal code" in m.lower() or "SW1A 1AA" in m for m in messages), messages
    assert total_addresses(in_app) == 0


@pytest.mark.parametrize("value", ["XX", "gb ", "<script>", "' OR 1=1 --"])
def test_a_country_outside_the_list_is_refused(client, auth, in_app, value):
    auth.login_as("shopper")
    response = client.post("/account/addresses/new", data=address_form(country=value))
    assert response.status_code == 422
    assert "Choose a country from the list." in errors_on(response.get_data(as_text=True))
    assert total_addresses(in_app) == 0


@pytest.mark.parametrize("value", ["12", "+44 (0)20 7946-0000 x", "call me"])
def test_a_malformed_phone_is_refused(client, auth, in_app, value):
    auth.login_as("shopper")
    response = client.post("/account/addresses/new", data=address_form(phone=value))
    assert response.status_code == 422
    assert total_addresses(in_app) == 0


def test_unicode_names_and_places_are_stored_whole(client, auth, in_app):
    shopper = auth.login_as("shopper")
    data = address_form(full_name="Zoë Ørsted-Nakamura 中村", line1="Straße des 17. Juni 135",
                        city="Zürich", region="Île-de-France", label="Café 😀",
                        country="CH", postal_code="8001", phone="+41 44 123 45 67")
    assert client.post("/account/addresses/new", data=data).status_code == 302
    row = in_app(lambda: db.session.scalars(select(Address).filter_by(user_id=shopper.id)).one())
    assert (row.full_name, row.line1, row.city, row.region, row.label) == (
        "Zoë Ørsted-Nakamura 中村", "Straße des 17. Juni 135", "Zürich", "Île-de-France",
        "Café 😀")


def test_optional_fields_left_empty_are_stored_as_null(client, auth, in_app):
    shopper = auth.login_as("shopper")
    client.post("/account/addresses/new", data=address_form(line2="  ", region=""))
    row = in_app(lambda: db.session.scalars(select(Address).filter_by(user_id=shopper.id)).one())
    assert (row.line2, row.region, row.phone, row.label) == (None, None, None, None)


def test_sql_looking_input_is_stored_as_text(client, auth, in_app):
    shopper = auth.login_as("shopper")
    client.post("/account/addresses/new", data=address_form(line1="1' OR '1'='1; DROP TABLE x"))
    row = in_app(lambda: db.session.scalars(select(Address).filter_by(user_id=shopper.id)).one())
    assert row.line1 == "1' OR '1'='1; DROP TABLE x"


def test_the_form_labels_every_field(client, auth):
    auth.login_as("shopper")
    body = client.get("/account/addresses/new").get_data(as_text=True)
    for field in (*REQUIRED, *OPTIONAL, "make_default"):
        assert f'for="{field}"' in body
