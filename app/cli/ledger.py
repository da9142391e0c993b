"""`flask ledger ...`: a shop's balance and statement, and reconciliation with the provider."""
from datetime import datetime, timedelta

import click
from flask.cli import AppGroup

from app.extensions import db
from app.models.base import utcnow
from app.models.shops import Shop
from app.services.payments import ledger
from app.templating import format_money

ledger_cli = AppGroup("ledger", help="The sellers' ledger: balances, statements, reconciliation.")


def _day(value, name):
    try:
        return datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD, e.g. 2026-11-01", param_hint=name) from None


def _shop(shop_id):
    shop = db.session.get(Shop, shop_id)
    if shop is None:
        raise click.ClickException(f"There is no shop {shop_id}.")
    return shop


@ledger_cli.command("reconcile")
@click.option("--since", default=None, help="First day (YYYY-MM-DD, UTC); default 30 days ago.")
def reconcile(since):
    """Compare ledger charges, refunds and payouts with the provider; exit 1 on differences."""
    from app.services.payments import get_provider

    start = _day(since, "--since") if since else utcnow() - timedelta(days=30)
    result = ledger.reconcile(get_provider(), since=start)
    click.echo(f"Since {start:%Y-%m-%d %H:%M} UTC")
    for kind, (ours, theirs) in result.totals.items():
        mark = "ok" if ours == theirs else "DIFFERENT"
        click.echo(f"  {kind:<9} ledger {format_money(ours):>14}  provider "
                   f"{format_money(theirs):>14}  {mark}")
    if result.ok:
        click.echo("The ledger matches the provider.")
        return
    click.echo(f"{len(result.differences)} difference(s):")
    for difference in result.differences:
        click.echo(f"  {difference}")
    raise SystemExit(1)


@ledger_cli.command("balance")
@click.argument("shop_id", type=int)
def balance(shop_id):
    """What the platform owes a shop now."""
    shop = _shop(shop_id)
    click.echo(f"{shop.name}: {format_money(ledger.balance(shop_id))}")


@ledger_cli.command("statement")
@click.argument("shop_id", type=int)
@click.option("--start", "start", required=True, help="First day (YYYY-MM-DD).")
@click.option("--end", "end", required=True, help="Day after the last (YYYY-MM-DD).")
def statement(shop_id, start, end):
    """A shop's rows in [start, end) with opening and closing balances."""
    shop = _shop(shop_id)
    first, after = _day(start, "--start"), _day(end, "--end")
    if after <= first:
        raise click.BadParameter("must be after --start", param_hint="--end")
    result = ledger.statement(shop_id, first, after)
    click.echo(f"{shop.name}, {first:%Y-%m-%d} to {after:%Y-%m-%d}")
    click.echo(f"  opening balance {format_money(result.opening_cents):>14}")
    for entry in result.entries:
        click.echo(f"  {entry.created_at:%Y-%m-%d %H:%M}  {entry.kind.value:<16} "
                   f"{format_money(entry.amount_cents, entry.currency):>14}  {entry.memo or ''}")
    click.echo(f"  closing balance {format_money(result.closing_cents):>14}")
