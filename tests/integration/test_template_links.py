"""The template helpers that build listing and pagination links give url_for's URLs."""
import pytest
from flask import render_template_string, url_for

CASES = [
    {},
    {"q": "red mug", "page": 2},
    {"color": ["Red", "Sea Green"], "brand": ["Ål & Co"], "min_price": "2.50"},
    {"q": "a=b&c page=3", "sort": None, "category": "home/kitchen"},
    {"q": "bazaarPAGE", "rating": 4},
]


@pytest.mark.parametrize("params", CASES)
def test_query_path_equals_url_for(app, params):
    with app.test_request_context("/"):
        built = render_template_string("{{ query_path('storefront.products', **p) }}", p=params)
        assert built == str(url_for("storefront.products", **params)).replace("&", "&amp;")


@pytest.mark.parametrize("params", CASES)
def test_page_links_equal_url_for_with_the_page(app, params):
    params = {k: v for k, v in params.items() if k != "page"}
    with app.test_request_context("/"):
        link = app.jinja_env.globals["page_links"]("storefront.products", **params)
        for n in (1, 7, 120):
            assert link(n) == url_for("storefront.products", page=n, **params)


def test_page_links_keep_an_anchor_and_url_variables(app):
    with app.test_request_context("/"):
        link = app.jinja_env.globals["page_links"]("storefront.product", slug="mug-1",
                                                   _anchor="reviews")
        assert link(3) == url_for("storefront.product", slug="mug-1", page=3, _anchor="reviews")


def test_path_follows_each_requests_script_root(app):
    for root in ("/shop", "", "/other"):
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            built = render_template_string(
                "{{ path('storefront.products') }} {{ path('static', 'css/bazaar.css') }}")
            assert built == f"{root}/products {url_for('static', filename='css/bazaar.css')}"
            assert built.split()[1].startswith(f"{root}/static/")
