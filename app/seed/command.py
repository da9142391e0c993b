"""`flask seed-demo`: load a living demo marketplace in one transaction."""
import random

import click
from flask.cli import with_appcontext
from sqlalchemy import inspect, select

from app.extensions import db
from app.models.shops import Shop
from app.seed import activity, analytics, catalogue, images, offers, people
from app.seed.bulk import Ids, Progress, Seed
from app.seed.items import CATEGORY_TREE


@click.command("seed-demo")
@click.option("--products", default=300, show_default=True, type=click.IntRange(1),
              help="Products to create (the 3,866 real items repeat as variations beyond that).")
@click.option("--shops", default=8, show_default=True, type=click.IntRange(1))
@click.option("--shoppers", default=40, show_default=True, type=click.IntRange(1))
@click.option("--seed", "seed_value", default=42, show_default=True, type=int,
              help="Random seed: the same seed gives the same marketplace.")
@click.option("--if-empty", is_flag=True, help="Do nothing when any shop exists already.")
@click.option("--images/--no-images", "with_images", default=True, show_default=True,
              help="Generate demo pictures (with Pillow, no network).")
@with_appcontext
def seed_demo(products, shops, shoppers, seed_value, if_empty, with_images):
    """Load a demo marketplace: shops, products, shoppers, orders, reviews and analytics."""
    if not inspect(db.engine).has_table(Shop.__tablename__):
        raise click.ClickException("The database has no tables yet; run `flask db upgrade`.")
    if db.session.scalar(select(Shop.id).limit(1)) is not None:
        if if_empty:
            click.echo("Shops exist already; skipping the demo seed.")
            return
        raise click.ClickException(
            "The database already has shops; seed-demo loads into an empty marketplace. "
            "Reset the database first, or pass --if-empty to skip quietly.")
    click.echo(f"Seeding a demo marketplace: {products:,} products, {shops:,} shops, "
               f"{shoppers:,} shoppers (seed {seed_value}).")
    progress = Progress()
    seed = Seed(rng=random.Random(seed_value), products=products, shops_wanted=shops,
                shoppers_wanted=shoppers, images=with_images,
                password_hash=people.hash_demo_password(), ids=Ids())
    try:
        _run(seed, progress)
        db.session.commit()
    except people.SeedConflict as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    except BaseException:
        db.session.rollback()
        raise
    _summary(seed, progress)


def _run(seed, progress):
    site_logo = site_banner = None
    if seed.images:
        seed.category_images = images.category_pictures(CATEGORY_TREE)
        seed.shop_logos, seed.shop_banners = images.shop_pool()
        site_logo, site_banner = images.site_images()
        pictures = len(seed.category_images) + 2 + len(seed.shop_logos) \
            + len(seed.shop_banners)
        progress.step(f"{pictures} category, shop and site pictures")
    people.create_site(seed, logo_url=site_logo, banner_url=site_banner)
    people.create_accounts(seed)
    people.create_shops(seed)
    progress.step(f"site, {len(seed.sellers) + len(seed.shoppers):,} accounts, "
                  f"{len(seed.shops):,} shops")
    catalogue.create_categories(seed)
    catalogue.create_products(seed, progress)
    progress.step(f"{seed.counts['products']:,} products, "
                  f"{seed.counts['variants']:,} variants, "
                  f"{seed.counts.get('product pictures', 0):,} product pictures")
    offers.create_events(seed)
    offers.create_discount_codes(seed)
    activity.create_orders(seed)
    activity.create_reviews(seed)
    activity.create_follows(seed)
    progress.step(f"{seed.counts.get('orders', 0):,} orders, "
                  f"{seed.counts.get('reviews', 0):,} reviews, events and codes")
    analytics.create_analytics(seed)
    analytics.create_notifications(seed)
    seed.ids.sync_sequences()
    progress.step(f"{seed.counts.get('analytics events', 0):,} analytics events and counters")


def _summary(seed, progress):
    click.echo(f"Done in {progress.elapsed:.1f}s.")
    for label, count in seed.counts.items():
        click.echo(f"  {label:<22} {count:>9,}")
    click.echo(f"Log in as {people.DEMO_SELLER} (seller) or {people.DEMO_SHOPPER} (shopper), "
               f"password {people.DEMO_PASSWORD}; every demo account uses that password.")
