"""Product descriptions are sanitised once, when written, and the page shows the stored result
only while it matches the seller's text."""
from sqlalchemy import select, update

from app.extensions import db
from app.models.catalog import Product
from app.services.catalog.descriptions import digest
from tests.factories_catalog import create_product, create_shop

SMALL_SEED = ["seed-demo", "--products", "12", "--shops", "2", "--shoppers", "3",
              "--no-images"]


def stored(app, product_id):
    with app.app_context():
        try:
            return db.session.execute(
                select(Product.description_clean, Product.description_excerpt,
                       Product.description_digest).where(Product.id == product_id)).one()
        finally:
            db.session.remove()


def description_section(client, product):
    response = client.get(f"/product/{product.slug}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    section = body[body.index('class="rich-text"'):]
    return section[: section.index("</section>")]


def test_writing_a_description_stores_its_sanitised_html_and_excerpt(app, factory):
    product = create_product(app, create_shop(factory), description_html=(
        '<p onclick="x()">Hand <b>made</b> &amp; oiled<script>alert(1)</script></p>'))
    clean, excerpt, source = stored(app, product.id)
    assert clean == "<p>Hand <b>made</b> &amp; oiled</p>"
    assert excerpt == "Hand made & oiled"
    assert source == digest(product.description_html)


def test_editing_a_description_through_the_model_restores_its_stored_forms(app, factory):
    product = create_product(app, create_shop(factory), description_html="<p>Old</p>")
    with app.app_context():
        db.session.get(Product, product.id).description_html = "<p>New <i>words</i></p>"
        db.session.commit()
    clean, excerpt, source = stored(app, product.id)
    assert (clean, excerpt) == ("<p>New <i>words</i></p>", "New words")
    assert source == digest("<p>New <i>words</i></p>")


def test_description_written_around_the_model_is_sanitised_when_shown(app, client, factory):
    product = create_product(app, create_shop(factory), description_html="<p>Old words</p>")
    with app.app_context():  # a bulk UPDATE never passes through the model's listener
        db.session.execute(update(Product).where(Product.id == product.id).values(
            description_html='<p>New words<img src=x onerror="alert(1)"></p>'))
        db.session.commit()
    section = description_section(client, product)
    assert "New words" in section and "Old words" not in section
    assert "<img" not in section and "onerror" not in section


def test_seeded_products_store_their_sanitised_descriptions(app, runner):
    result = runner.invoke(args=SMALL_SEED)
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = db.session.execute(select(
            Product.description_html, Product.description_clean, Product.description_excerpt,
            Product.description_digest)).all()
        db.session.remove()
    assert len(rows) == 12
    for raw, clean, excerpt, source in rows:
        assert source == digest(raw)
        assert clean.startswith("<p>") and excerpt and "<" not in excerpt


def test_sanitise_command_stores_descriptions_written_around_the_model(app, runner, factory):
    kept = create_product(app, create_shop(factory), description_html="<p>Kept</p>")
    raw = create_product(app, create_shop(factory), description_html="<p>Old</p>")
    with app.app_context():
        db.session.execute(update(Product).where(Product.id == raw.id).values(
            description_html="<p>Raw <script>x()</script>SQL</p>"))
        db.session.commit()
    result = runner.invoke(args=["catalog", "sanitise-descriptions"])
    assert result.exit_code == 0, result.output
    assert "1 product descriptions sanitised" in result.output
    assert stored(app, raw.id)[:2] == ("<p>Raw SQL</p>", "Raw SQL")
    assert stored(app, kept.id)[0] == "<p>Kept</p>"
