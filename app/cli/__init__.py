"""Flask CLI commands: create-admin, seed-demo, worker, scheduler, ledger, orders, catalog."""
import click
from flask import current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.models.accounts import Role, User
from app.models.base import utcnow
from app.services.accounts import registration
from app.services.accounts.email_addresses import InvalidEmail, checked_email
from app.services.accounts.passwords import hash_password, password_problems


def register(app):
    from app.cli.catalog import catalog_cli
    from app.cli.ledger import ledger_cli
    from app.cli.orders import orders_cli
    from app.seed.command import seed_demo

    for command in (create_admin, worker, scheduler, seed_demo, ledger_cli, orders_cli,
                    catalog_cli):
        app.cli.add_command(command)


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", default="Administrator", show_default=True)
@click.password_option(help="Prompted for (twice) when not given; the sign-up rules apply.")
@with_appcontext
def create_admin(email, name, password):
    """Create an admin account (there is no public admin sign-up), or reset its password."""
    try:
        email = checked_email(email)  # the login form's rule: an address that can sign in
    except InvalidEmail as error:
        raise click.BadParameter(str(error), param_hint="--email") from None
    problems = password_problems(password, email=email, name=name)
    if problems:
        raise click.BadParameter(" ".join(problems), param_hint="--password")
    user = registration.find_user(email)
    if user is not None and user.role != Role.ADMIN:
        raise click.ClickException(f"{email} already has a {user.role} account.")
    if user is None:
        user = User(email=email, name=name, role=Role.ADMIN)
        db.session.add(user)
    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or utcnow()
    db.session.commit()
    click.echo(f"Admin {email} is ready; log in at /auth/login.")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Exit when the queues are empty.")
@click.option("--queues", default=None, metavar="NAMES",
              help="Comma-separated queues to serve, in priority order (default: all). Under "
                   "webhook load give `payments` a worker of its own, so its drain jobs never "
                   "keep emails and after-payment work waiting.")
@with_appcontext
def worker(burst, queues):
    """Run an RQ worker (with scheduler) for every queue, or for the ones given."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("Set REDIS_URL to run a worker; without it jobs run in-process.")
    from app.jobs import QUEUES
    from workers.worker import run_worker

    names = [name.strip() for name in (queues or ",".join(QUEUES)).split(",") if name.strip()]
    unknown = sorted(set(names) - set(QUEUES))
    if unknown or not names:
        raise click.BadParameter(f"unknown queue(s) {', '.join(unknown) or '(none given)'}; "
                                 f"choose from {', '.join(QUEUES)}", param_hint="--queues")
    run_worker(current_app._get_current_object(), queues=names, burst=burst)


@click.command("scheduler")
@with_appcontext
def scheduler():
    """Run RQ's cron scheduler for the periodic jobs in workers/schedule.py (run exactly one)."""
    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException(
            "Set REDIS_URL to run the scheduler; without Redis the web process runs the periodic "
            "jobs itself (EMBEDDED_SCHEDULER)."
        )
    from workers.schedule import run_scheduler

    run_scheduler(current_app._get_current_object())
