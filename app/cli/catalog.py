"""`flask catalog ...`: maintenance of the catalogue's stored, derived columns."""
import click
from flask.cli import AppGroup

from app.services.catalog.descriptions import refresh_stored_descriptions

catalog_cli = AppGroup("catalog", help="Catalogue maintenance.")


@catalog_cli.command("sanitise-descriptions")
def sanitise_descriptions():
    """Store the sanitised HTML and excerpt of descriptions that lack them (after migration
    0006, or rows written by raw SQL); product pages sanitise those on every view until then."""
    click.echo(f"{refresh_stored_descriptions():,} product descriptions sanitised and stored.")
