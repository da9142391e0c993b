"""Background jobs in both runtime modes, the start-up checks and the admin/worker CLI."""
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from rq import Worker
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from app import create_app, describe_mode
from app.extensions import db, jobs
from app.models.accounts import Role, User
from config import DEV_SECRET_KEY, ProductionConfig
from tests.factories import PASSWORD
from tests.support import modes
from workers.emails import deliver_email

ROOT = Path(__file__).resolve().parents[2]
ADMIN_PASSWORD = "Str0ng-admin-passphrase"
WELCOME = ("Welcome aboard", "welcome", {"name": "Job Tester", "is_seller": False})

embedded_only = pytest.mark.skipif(modes.SERVICES, reason="the embedded mode runs jobs inline")


REAL_SECRET = "0f9e8d7c6b5a4938-a-long-random-production-secret"
REAL_JWT_SECRET = "7c6b5a49380f9e8d-another-long-random-jwt-secret"


def production_overrides(base_config, **changes):
    """Real-looking secrets on the test app's database and services.

    Rate limits stay off: Flask-Limiter keeps `enabled` on its one shared instance, so a
    production app built here would switch them on for every later test.
    """
    return {**base_config, "RATELIMIT_ENABLED": False, "SECRET_KEY": REAL_SECRET,
            "JWT_SECRET_KEY": REAL_JWT_SECRET, **changes}


def create_admin(runner, email="boss@example.com", password=ADMIN_PASSWORD):
    return runner.invoke(args=["create-admin", "--email", email, "--password", password])


def users_with_email(in_app, email):
    return in_app(lambda: db.session.scalars(select(User).filter_by(email=email)).all())


@embedded_only
def test_enqueue_runs_the_job_inline_and_returns_none(app, mailbox):
    with app.app_context():
        assert jobs.is_async is False
        result = jobs.enqueue(deliver_email, "inline@example.com", *WELCOME, queue="emails")
    assert result is None
    # No waiting: the mail is in the outbox as soon as enqueue returns.
    assert [m.subject for m in mailbox.messages("inline@example.com")] == ["Welcome aboard"]


@embedded_only
def test_delayed_job_is_left_to_the_periodic_sweep_without_a_queue(app, mailbox):
    with app.app_context():
        assert jobs.enqueue_in(timedelta(hours=1), deliver_email, "later@example.com",
                               *WELCOME) is None
    assert mailbox.messages("later@example.com") == []


@pytest.mark.services
def test_real_rq_worker_process_delivers_the_email_job(app, mailbox, rq_worker):
    with app.app_context():
        job = jobs.enqueue(deliver_email, "queued@example.com", *WELCOME, queue="emails")
    assert job is not None and job.origin == "emails"
    mail = mailbox.wait_for("queued@example.com", timeout=15)
    assert mail.subject == "Welcome aboard"
    assert "Job Tester" in mail.text
    deadline = time.monotonic() + 10
    while job.get_status(refresh=True) != "finished" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert job.get_status() == "finished"
    # Run by the worker process the suite started, not in this one.
    workers = Worker.all(connection=app.extensions["jobs"].redis)
    [worker] = [w for w in workers if w.pid == rq_worker.pid]
    assert worker.successful_job_count >= 1


@embedded_only
def test_describe_mode_names_the_embedded_stand_ins(app):
    description = describe_mode(app)
    for part in ("database: sqlite", "jobs: in-process", "mail: outbox"):
        assert part in description


@pytest.mark.services
def test_describe_mode_names_postgresql_and_rq(app):
    description = describe_mode(app)
    assert "database: postgresql" in description
    assert "jobs: RQ on Redis" in description
    assert "mail: SMTP" in description


@pytest.mark.skipif(ProductionConfig.SECRET_KEY != DEV_SECRET_KEY,
                    reason="SECRET_KEY is set in this environment")
def test_production_config_refuses_to_start_with_the_default_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY.*refusing to start"):
        create_app(ProductionConfig)


@pytest.mark.parametrize("secret", [DEV_SECRET_KEY, "", None], ids=["dev-key", "empty", "none"])
def test_production_refuses_a_placeholder_secret_key(base_config, secret):
    with pytest.raises(RuntimeError, match="SECRET_KEY.*refusing to start"):
        create_app(ProductionConfig, production_overrides(base_config, SECRET_KEY=secret))


def test_production_refuses_the_development_key_for_api_tokens(base_config):
    with pytest.raises(RuntimeError, match="JWT_SECRET_KEY.*refusing to start"):
        create_app(ProductionConfig, production_overrides(base_config,
                                                          JWT_SECRET_KEY=DEV_SECRET_KEY))


def test_production_refuses_stripe_without_a_webhook_secret(base_config):
    with pytest.raises(RuntimeError, match="STRIPE_WEBHOOK_SECRET.*refusing to start"):
        create_app(ProductionConfig, production_overrides(
            base_config, STRIPE_SECRET_KEY="sk_live_example", STRIPE_WEBHOOK_SECRET=None))


def test_production_starts_with_real_secret_keys(base_config):
    app = create_app(ProductionConfig, production_overrides(
        base_config, STRIPE_SECRET_KEY="sk_test_example", STRIPE_WEBHOOK_SECRET="whsec_example"))
    assert app.config["ENV_NAME"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert "production mode" in describe_mode(app)


def test_create_admin_makes_a_verified_admin_who_reaches_the_admin_portal(runner, client):
    result = create_admin(runner, email="Boss@Example.com")
    assert result.exit_code == 0, result.output
    assert "Admin boss@example.com is ready" in result.output
    response = client.post("/auth/login", data={"email": "boss@example.com",
                                                "password": ADMIN_PASSWORD})
    assert response.status_code == 302
    assert response.location.endswith("/admin/")
    assert client.get("/admin/").status_code == 200


def test_create_admin_refuses_a_weak_password_with_the_policy_message(runner, in_app):
    result = create_admin(runner, password="short1")
    assert result.exit_code != 0
    assert "Use at least 10 characters" in result.output
    assert users_with_email(in_app, "boss@example.com") == []


def test_create_admin_refuses_an_email_that_belongs_to_a_shopper(runner, factory, client,
                                                                 in_app):
    shopper = factory.shopper(email="taken@example.com")
    result = create_admin(runner, email="taken@example.com")
    assert result.exit_code != 0
    assert "taken@example.com already has a shopper account" in result.output
    [user] = users_with_email(in_app, "taken@example.com")
    assert user.role == Role.SHOPPER
    # Their password still works: the command changed nothing.
    response = client.post("/auth/login", data={"email": shopper.email, "password": PASSWORD})
    assert response.status_code == 302


def test_no_public_route_creates_an_admin(app, client, in_app, mailbox):
    """Post admin-ish fields to every route outside the portals; nobody becomes an admin."""
    email = "mallory@example.com"
    payload = {"name": "Mallory", "email": email, "password": PASSWORD, "confirm": PASSWORD,
               "role": "admin", "is_admin": "1", "code": "000000"}
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/admin", "/seller", "/account", "/static", "/media")):
            continue
        for method in sorted(rule.methods - {"GET", "HEAD", "OPTIONS"}):
            values = {arg: 1 if isinstance(rule._converters[arg], IntegerConverter) else "x"
                      for arg in rule.arguments}
            path = adapter.build(rule.endpoint, values, method=method, append_unknown=False)
            assert client.open(path + "?role=admin", method=method,
                               data=payload).status_code < 500
            assert client.open(path, method=method, json=payload).status_code < 500
    code = mailbox.wait_for(email, subject="code:").code
    client.post("/auth/verify", data={"email": email, "code": code, "role": "admin"})
    [user] = users_with_email(in_app, email)
    assert user.is_verified
    assert user.role != Role.ADMIN
    admins = in_app(lambda: db.session.scalars(select(User).filter_by(role=Role.ADMIN)).all())
    assert admins == []


def test_worker_command_refuses_to_start_without_redis(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if key not in ("REDIS_URL", "MAIL_SERVER", "DATABASE_URL")}
    env |= {"BAZAAR_INSTANCE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "Set REDIS_URL to run a worker" in result.stderr
    assert "Traceback" not in result.stderr


def test_worker_command_refuses_a_queue_it_does_not_know(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if key not in ("MAIL_SERVER", "DATABASE_URL")}
    # Never reached: the queues are checked before the worker connects.
    env |= {"BAZAAR_INSTANCE_DIR": str(tmp_path), "PYTHONPATH": str(ROOT),
            "REDIS_URL": "redis://127.0.0.1:1/0"}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--burst",
         "--queues", "payments,paymnets"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "unknown queue(s) paymnets" in result.stderr
    assert "Traceback" not in result.stderr
