"""The order desk's list and refund choice, and chat messages, are read by forms."""
import pytest
from werkzeug.datastructures import MultiDict

from app.models.orders import OrderStatus
from app.services.orders.refunds import RefundError
from blueprints.chat.forms import FirstMessageForm, MessageForm, SubjectQuery
from blueprints.order_desk.forms import MAX_UNITS, OrdersQuery, RefundChoice
from blueprints.web.forms import MAX_PAGE


def orders_query(app, query):
    with app.test_request_context(f"/seller/orders?{query}"):
        from flask import request

        return OrdersQuery(formdata=request.args).read()


def test_orders_query_reads_status_search_and_page(app):
    assert orders_query(app, "status=packed&q=%20BZ-12%20&page=3") == \
        (OrderStatus.PACKED, "BZ-12", 3)


@pytest.mark.parametrize("query", ["status=nope&page=-3", "status=&page=abc", "page=0"])
def test_orders_query_treats_an_unknown_status_as_all_and_a_junk_page_as_the_first(app, query):
    assert orders_query(app, query) == (None, "", 1)


def test_orders_query_clamps_a_huge_page_and_cuts_a_long_search(app):
    status, search, page = orders_query(app, "page=" + "9" * 40 + "&q=" + "x" * 500)
    assert page == MAX_PAGE and search == "x" * 64


def refund_choice(app, **data):
    with app.test_request_context("/"):
        return RefundChoice.read(MultiDict(data))


def test_refund_choice_reads_units_per_item_and_a_blank_box_as_none(app):
    assert refund_choice(app, **{"qty-5": "2", "qty-7": "", "refund_seq": "3", "scope": "items"}) \
        == ({5: 2, 7: 0}, 3)


def test_a_full_refund_choice_ignores_the_units(app):
    assert refund_choice(app, **{"qty-5": "junk", "scope": "full"}) == (None, None)


@pytest.mark.parametrize("data", [{"qty-5": str(MAX_UNITS + 1)}, {"qty-5": "-1"},
                                  {"qty-5": "1.5"}, {"qty-abc": "1"}, {"qty-0": "1"}])
def test_refund_units_that_are_no_small_whole_number_are_refused(app, data):
    with pytest.raises(RefundError, match="as whole numbers"):
        refund_choice(app, **data)


def test_a_damaged_refund_seq_is_refused(app):
    with pytest.raises(RefundError, match="damaged"):
        refund_choice(app, **{"qty-5": "1", "refund_seq": "x"})


def test_a_message_is_stripped_and_an_overlong_one_refused(app):
    with app.test_request_context("/", method="POST", data={"body": "  Hello  "}):
        form = MessageForm()
        form.validate()
        assert (form.error(), form.body.data) == (None, "Hello")
    with app.test_request_context("/", method="POST", data={"body": "x" * 2001}):
        form = MessageForm()
        form.validate()
        assert "under 2,000 characters" in form.error()


@pytest.mark.parametrize("product", ["0", "-4", str(2**63), "abc"])
def test_a_chat_subject_drops_a_product_that_cannot_be_an_id(app, product):
    with app.test_request_context(f"/messages/new?shop=mug-house&product={product}"):
        from flask import request

        query = SubjectQuery(formdata=request.args)
        query.validate()
        assert query.subject() == ("mug-house", None)


def test_a_first_message_reads_its_shop_and_product(app):
    data = {"shop": "mug-house", "product": "12", "body": "Blue?"}
    with app.test_request_context("/messages/new", method="POST", data=data):
        from flask import request

        form = FirstMessageForm(formdata=request.values)
        form.validate()
        assert (form.subject(), form.error()) == (("mug-house", 12), None)
