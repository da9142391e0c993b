"""Flask CLI commands for orders: `flask orders remind` (the abandoned-checkout sweep)."""
import click
from flask.cli import AppGroup

from app.services.checkout import reminders

orders_cli = AppGroup("orders", help="Order lifecycle chores.")


@orders_cli.command("remind")
def remind():
    """Send the abandoned-checkout reminders that are due (safe to run as often as you like)."""
    sent = reminders.send_due()
    click.echo(f"{sent} checkout reminder{'' if sent == 1 else 's'} sent.")
