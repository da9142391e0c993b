"""Categories, products, their images and variants, built from the real retail items."""
import bisect
import itertools

from markupsafe import escape
from slugify import slugify
from sqlalchemy import select

from app.extensions import db
from app.models.catalog import Category, Product, ProductImage, ProductStatus, ProductVariant
from app.seed import images, texts
from app.seed.bulk import CHUNK, DAY, ProductInfo, insert_rows
from app.seed.items import CATEGORY_TREE, charm_price, load_items
from app.services.catalog.descriptions import description_columns

SAMPLE_PER_SHOP = 60  # products per shop remembered for orders, events and analytics
SIZED = {"Bags & Totes", "Textiles & Cushions"}
FINISHED = {"Jewellery & Hair"}
COLOURED = {"Mugs & Cups", "Candles & Holders", "Planters & Pots", "Lanterns", "Storage & Tins",
            "Purses & Keyrings", "Baking & Tableware"}
_STOP = {"of", "and", "the", "with", "in", "set", "pack", "small", "large", "mini", "jumbo",
         "for", "asst", "assorted", "ass", "col", "colour", "design"}
MAX_TAGS = 5
TOP_INDEX = {top: n for n, (top, _subs) in enumerate(CATEGORY_TREE)}


def create_categories(seed):
    """The category tree; categories already present (same slug) are reused, not duplicated."""
    existing = dict(db.session.execute(select(Category.slug, Category.id)).all())
    rows = []
    for position, (top, subs) in enumerate(CATEGORY_TREE):
        top_id = _category(seed, rows, existing, top, None, position)
        for sub_position, sub in enumerate(subs):
            seed.categories[sub] = (top, top_id, _category(seed, rows, existing, sub, top_id,
                                                           sub_position, top))
    seed.count("categories", insert_rows(Category, rows))


def _category(seed, rows, existing, name, parent_id, position, top=None):
    slug = slugify(name)
    if slug in existing:
        return existing[slug]
    category_id = seed.ids.take(Category)[0]
    rows.append(dict(id=category_id, parent_id=parent_id, name=name, slug=slug,
                     position=position, image_url=seed.category_images.get(name),
                     description=f"{name} from independent shops" + (f" — {top}." if top else ".")))
    existing[slug] = category_id
    return category_id


class ShopPicker:
    """Chooses a shop for a product: mostly one that focuses on its category, by shop weight."""

    def __init__(self, shops, rng):
        self.rng = rng
        self.all = self._table(shops)
        self.by_top = {}
        for top, _subs in CATEGORY_TREE:
            focused = [s for s in shops if top in s.focus]
            self.by_top[top] = self._table(focused) if focused else self.all

    @staticmethod
    def _table(shops):
        return shops, list(itertools.accumulate(s.weight for s in shops))

    def pick(self, top):
        shops, cumulative = self.by_top[top] if self.rng.random() < 0.8 else self.all
        return shops[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])
                     if len(shops) > 1 else 0]


def _variation_names():
    """'Sage Edition', 'Coral Collection', ...: names for the catalogue's later cycles."""
    names = [f"{f} {e}" for e in texts.EDITIONS for f in texts.FINISHES]
    return names, [slugify(n) for n in names]


def create_products(seed, progress=None):
    """seed.products products, in chunks: product rows, then their images and variants.

    Each real item gets a picture of its own, drawn when the item is first used; past the
    3,866 real items a variation ("– Sage Edition") shows its item's picture, which keeps a
    100k-product seed to a few thousand pictures.
    """
    rng = seed.rng
    items = load_items()
    rng.shuffle(items)  # a small demo still spans every category, not just the best sellers
    base_slugs, used = [], set()
    for item in items:
        slug = slugify(item.title, max_length=110)
        base_slugs.append(slug if slug not in used else f"{slug}-{item.item_id}")
        used.add(base_slugs[-1])
    variations, variation_slugs = _variation_names()
    picker = ShopPicker(seed.shops, rng)
    product_ids = iter(seed.ids.take(Product, seed.products))
    products, image_rows, variants = [], [], []
    pictures = {}  # item index -> url of its picture
    for n in range(seed.products):
        cycle, index = divmod(n, len(items))
        item = items[index]
        top, top_id, sub_id = seed.categories[item.subcategory]
        # The first shops each get one product first, so no demo shop is left empty.
        shop = seed.shops[n] if n < len(seed.shops) else picker.pick(top)
        product_id = next(product_ids)
        title, slug, price = item.title, base_slugs[index], item.price_cents
        if cycle:  # past the real catalogue: the same item again as a named variation
            round_, v = divmod(cycle - 1, len(variations))
            number = f" {round_ + 1}" if round_ else ""
            title = f"{item.title} – {variations[v]}{number}"
            slug = f"{slug}-{variation_slugs[v]}{number.replace(' ', '-')}"
            price = charm_price(price * rng.uniform(0.85, 1.25))
            if slug in used:  # a real title that happens to look like a variation
                slug = f"{slug}-{product_id}"
            used.add(slug)
        products.append(_product_row(seed, product_id, shop, item, top, top_id, sub_id,
                                     title, slug, price))
        if seed.images:
            url = pictures.get(index)
            if url is None:
                url = pictures[index] = images.product_url(
                    base_slugs[index], item.title, item.subcategory, TOP_INDEX[top])
            # No file_id: a variation shares the file, so deleting one product must not
            # delete the picture another shows.
            image_rows.append(dict(product_id=product_id, url=url, file_id=None, alt=title,
                                   position=0))
        rows = _variant_rows(seed, shop, product_id, item)
        variants.extend(rows)
        if len(shop.sample) < SAMPLE_PER_SHOP:
            row = products[-1]
            effective = row["sale_price_cents"] or row["regular_price_cents"]
            shop.sample.append(ProductInfo(product_id, shop.id, title, effective, [
                (r["id"], r["sku"], r["color"], r["size"], r["stock"]) for r in rows]))
        if len(products) >= CHUNK:
            _flush(seed, products, image_rows, variants, progress)
    _flush(seed, products, image_rows, variants, progress)
    seed.count("product pictures", len(pictures))


def _flush(seed, products, image_rows, variants, progress):
    if not products:
        return
    seed.count("products", insert_rows(Product, products))
    seed.count("product images", insert_rows(ProductImage, image_rows))
    seed.count("variants", insert_rows(ProductVariant, variants))
    if progress and seed.counts["products"] % 20000 < CHUNK and seed.products > 20000:
        progress.step(f"… {seed.counts['products']:,} products")
    products.clear()
    image_rows.clear()
    variants.clear()


def _product_row(seed, product_id, shop, item, top, top_id, sub_id, title, slug, price):
    rng = seed.rng
    sale = None
    if rng.random() < 0.25:
        sale = charm_price(price * rng.uniform(0.65, 0.9)) - 10
        sale = sale if 0 < sale < price else None
    brand = rng.choice(shop.brands)
    material = _material(rng, item.title, top)
    size = f"{rng.randint(6, 40)} x {rng.randint(4, 30)} x {rng.randint(2, 25)} cm"
    care = rng.choice(texts.CARE)
    tags = ",".join(title_tags(item.title))
    created = seed.now - rng.uniform(0.05, 180) * DAY
    safe_title = escape(title)
    description = (
        f"<p>{safe_title} by {escape(brand)}. {rng.choice(texts.PITCHES)}</p>"
        f"<p>Ships from {shop.country}.</p>"
        f"<ul><li>Material: {material}</li><li>Size: {size}</li>"
        f"<li>Care: {care}</li></ul>"
    )
    return dict(
        id=product_id, shop_id=shop.id, category_id=top_id, subcategory_id=sub_id, slug=slug,
        title=title, description_html=description, **description_columns(description),
        brand=brand, tags=tags,
        regular_price_cents=price, sale_price_cents=sale, currency="USD",
        status=ProductStatus.ACTIVE, rating_avg=0.0, rating_count=0, sold_count=0,
        specifications={"Material": material, "Dimensions": size,
                        "Weight": f"{rng.randint(40, 2400)} g", "Care": care,
                        "Catalogue no.": f"UCI-{item.item_id}"},
        created_at=created, updated_at=created,
    )


def title_tags(title):
    """Up to MAX_TAGS descriptive words of a title, lower case: 'Jumbo Bag Red Retrospot' ->
    ['bag', 'red', 'retrospot']. Never the category's name: search would find it everywhere."""
    words = (w.lower() for w in title.replace(",", " ").replace("/", " ").split())
    kept = [w for w in words if w.isalpha() and len(w) > 2 and w not in _STOP]
    return list(dict.fromkeys(kept))[:MAX_TAGS]


def _material(rng, title, top):
    """The material a title names ('Zinc Heart Lantern'), else a likely one for its category."""
    for word in title.upper().split():
        if word in texts.TITLE_MATERIALS:
            return texts.TITLE_MATERIALS[word]
    return rng.choice(texts.MATERIALS[top])


def _variant_options(rng, item):
    """[(colour, size)] for a product: sizes for bags and textiles, colours or finishes else."""
    has_colour = any(w in texts.TITLE_COLOURS for w in item.title.upper().split())
    colours = [""]
    if item.subcategory in FINISHED and not has_colour:
        colours = rng.sample(texts.METAL_FINISHES, rng.randint(1, 3))
    elif not has_colour and (item.subcategory in COLOURED or item.subcategory in SIZED
                             or rng.random() < 0.3):
        colours = rng.sample(texts.COLOURS, rng.choice((1, 2, 2, 3)))
        if len(colours) == 1 and item.subcategory not in SIZED:
            colours = [""]  # one colour is no choice at all: a plain single variant
    sizes = list(texts.BAG_SIZES[rng.randint(0, 1):]) if item.subcategory in SIZED else [""]
    return [(c, s) for c in colours for s in sizes]


def _variant_rows(seed, shop, product_id, item):
    rng = seed.rng
    options = _variant_options(rng, item)
    ids = seed.ids.take(ProductVariant, len(options))
    rows = []
    for k, (variant_id, (colour, size)) in enumerate(zip(ids, options, strict=True)):
        roll = rng.random()  # each variant its own stock: some sold out, some nearly
        stock = 0 if roll < 0.1 else rng.randint(1, 4) if roll < 0.25 else rng.randint(5, 120)
        rows.append(dict(id=variant_id, product_id=product_id,
                         sku=f"{shop.code}-{product_id:06d}-{k + 1:02d}",
                         color=colour, size=size, stock=stock, price_cents=None))
    return rows

