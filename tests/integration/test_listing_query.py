"""The listing's query string is read by a form: typed values, and failed filters dropped."""
import pytest

from app.services.catalog.listing.filters import MAX_PAGE, filters_from
from blueprints.storefront.listing_forms import ListingQuery


def read(app, query):
    with app.test_request_context(f"/products?{query}"):
        from flask import request

        return ListingQuery(formdata=request.args).read()


def test_listing_query_gives_prices_in_cents_and_whole_numbers_as_ints(app):
    values, messages = read(app, "min_price=12.5&max_price=20,05&rating=4&page=3&in_stock=Yes"
                                 "&on_offer=0&color=Red&color=%20Blue%20&sort=price_asc")
    assert messages == []
    assert (values["min_price"], values["max_price"]) == (1250, 2005)
    assert (values["rating"], values["page"], values["sort"]) == (4, 3, "price_asc")
    assert (values["in_stock"], values["on_offer"]) == (True, False)
    assert values["color"] == ["Red", "Blue"]


@pytest.mark.parametrize("query, message", [
    ("rating=9", "Rating must be a whole number of stars from 1 to 5; ignored."),
    ("rating=٣", "Rating must be a whole number of stars from 1 to 5; ignored."),
    ("min_price=-5", "The minimum price cannot be negative; ignored."),
    ("max_price=1e309", "The maximum price “1e309” is not a number; ignored."),
    ("category=" + "x" * 101, "We have no such category; showing all categories."),
])
def test_a_filter_that_fails_its_check_is_dropped_with_its_message(app, query, message):
    values, messages = read(app, query)
    assert query.split("=")[0] not in values
    assert messages == [message]


@pytest.mark.parametrize("query", ["sort=cheapest", "page=0", "page=-2", "page=1.5"])
def test_junk_sort_or_page_is_dropped_without_a_message(app, query):
    values, messages = read(app, query)
    assert query.split("=")[0] not in values and messages == []


def test_a_page_number_of_thousands_of_digits_reads_as_a_huge_page(app):
    values, _ = read(app, "page=" + "9" * 5000)
    assert values["page"] > MAX_PAGE


def test_many_values_of_one_filter_keep_the_first_twenty(app):
    values, _ = read(app, "&".join(f"brand=b{n}" for n in range(500)))
    assert values["brand"] == [f"b{n}" for n in range(20)]


def test_the_listing_service_takes_plain_values_and_clamps_what_a_caller_overdoes(app):
    with app.test_request_context("/products"):
        filters, messages = filters_from({"min_price": 3000, "max_price": 1000, "page": 10**15,
                                          "rating": 9, "sort": "relevance"})
    assert (filters.min_price, filters.max_price) == (1000, 3000)
    assert "swapped" in messages[0]
    assert (filters.page, filters.rating, filters.sort) == (MAX_PAGE, None, "newest")
