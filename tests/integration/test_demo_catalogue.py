"""The demo catalogue searches well: items filed where their titles say, honest tags and brands,
and a picture of its own for every product."""
import hashlib
import html
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models.catalog import Product, ProductImage
from app.seed import texts
from app.seed.items import categorise, load_items
from app.services.catalog.listing.page import PER_PAGE

TITLE = re.compile(r'<h3 class="product-title"><a href="/product/[^"]+">([^<]+)</a></h3>')
EVERYDAY_QUERIES = ("heart", "candle", "mug", "bag", "christmas")


def seed(runner, products, *extra):
    result = runner.invoke(args=["seed-demo", "--products", str(products), "--shops", "4",
                                 "--shoppers", "3", *extra])
    assert result.exit_code == 0, result.output


def results(client, q):
    """Every title a search shows, page after page."""
    titles = []
    for page in range(1, 20):
        response = client.get("/products", query_string={"q": q, "page": page})
        assert response.status_code == 200
        found = TITLE.findall(response.get_data(as_text=True))
        titles += [html.unescape(t) for t in found]
        if len(found) < PER_PAGE:
            return titles
    raise AssertionError(f"more than 19 pages of results for {q!r}")


def names(title, word):
    """Whether a title holds `word` or a close form: 'hearts', or the data set's cut-off
    'Candl' (the stem search reduces 'candle' to as well)."""
    return any(w.startswith(word) or (word.startswith(w) and len(w) >= len(word) - 1)
               for w in re.findall(r"[a-z]+", title.lower()))


def test_everyday_searches_find_only_products_named_for_them(runner, client):
    seed(runner, 400, "--no-images")
    for query in EVERYDAY_QUERIES:
        titles = results(client, query)
        assert len(titles) >= 6, (query, titles)
        unrelated = [t for t in titles if not names(t, query)]
        assert not unrelated, (query, unrelated)


def test_tags_are_words_of_the_title_and_never_the_category(runner, in_app):
    seed(runner, 150, "--no-images")
    rows = in_app(lambda: db.session.execute(select(Product.title, Product.tags)).all())
    assert len(rows) == 150
    tagged = 0
    for title, tags in rows:
        words = [t for t in (tags or "").split(",") if t]
        tagged += bool(words)
        # A category slug ("hearts-hanging-decor") is no word of any title.
        assert set(words) <= set(re.findall(r"[a-z]+", title.lower())), (title, tags)
    assert tagged > 140  # nearly every title has a descriptive word to offer


@pytest.mark.parametrize("raw, subcategory", [
    ("WHITE HANGING HEART T-LIGHT HOLDER", "Candles & Holders"),
    ("JUMBO BAG RED RETROSPOT", "Bags & Totes"),
    ("HEART OF WICKER SMALL", "Hearts & Hanging Decor"),
    ("PAPER CHAIN KIT 50'S CHRISTMAS", "Christmas"),
    ("OWL DOORSTOP", "Hooks & Door Stops"),
    ("CAMOUFLAGE LED TORCH", "Fairy & String Lights"),
    ("ROSE DU SUD WASHBAG", "Bath & Body"),
    ("RIDGED GLASS POSY VASE", "Vases & Flowers"),
    ("INFLATABLE POLITICAL GLOBE", "Gifts & Curios"),
])
def test_items_are_filed_under_the_category_their_title_names(raw, subcategory):
    assert categorise(raw) == subcategory


def test_only_titles_about_hearts_or_hanging_decor_are_filed_there():
    # The catch-all category used to be this one, which made "heart" find owls and torches.
    filed = [i.title for i in load_items() if i.subcategory == "Hearts & Hanging Decor"]
    pattern = re.compile(r"\b(hearts?|hanging|decorations?|wreaths?|garlands?|trellis|"
                         r"ornaments?)\b", re.IGNORECASE)
    assert filed and [t for t in filed if not pattern.search(t)] == []


def test_no_brand_word_starts_with_a_word_of_any_title():
    # Search matches the last word as a prefix: a brand "Hearth" would turn up for "heart".
    vocabulary = {w for item in load_items() for w in re.findall(r"[a-z]{3,}", item.title.lower())}
    brand_words = {w.lower() for part in texts.BRAND_PARTS + texts.BRAND_SUFFIXES
                   for w in re.findall(r"[A-Za-z]+", part)}
    collisions = {b: sorted(v for v in vocabulary if b.startswith(v)) for b in brand_words}
    assert {b: v for b, v in collisions.items() if v} == {}


def test_every_product_gets_a_picture_of_its_own(runner, client, in_app):
    seed(runner, 24)
    images = in_app(lambda: db.session.execute(
        select(ProductImage.product_id, ProductImage.url)).all())
    assert sorted(p for p, _url in images) == sorted(in_app(
        lambda: db.session.scalars(select(Product.id)).all()))
    assert len({url for _p, url in images}) == 24
    digests = set()
    for _product_id, url in images:
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        digests.add(hashlib.sha256(response.data).hexdigest())
    assert len(digests) == 24
