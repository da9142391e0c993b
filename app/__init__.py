"""The application factory."""
import logging

from flask import Flask

from config import BASE_DIR, DEV_SECRET_KEY, INSTANCE_DIR, config_for

log = logging.getLogger("bazaar")


def create_app(config_class=None, overrides=None):
    """Build the app from a config class (or its name) plus optional overrides."""
    if config_class is None or isinstance(config_class, str):
        config_class = config_for(config_class)
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(BASE_DIR / "templates"),
        static_folder=str(BASE_DIR / "static"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides or {})
    check_config(app)
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)

    register_logging(app)
    register_proxy_fix(app)
    register_request_guards(app)
    register_extensions(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_cli(app)
    register_embedded_scheduler(app)
    log.info("Bazaar %s", describe_mode(app))
    return app


def check_config(app):
    """Refuse to start production on development secrets or on payments that take no money."""
    if app.config["ENV_NAME"] != "production":
        return
    if app.config.get("STRIPE_SECRET_KEY") and not app.config.get("STRIPE_WEBHOOK_SECRET"):
        raise RuntimeError("STRIPE_SECRET_KEY is set without STRIPE_WEBHOOK_SECRET: Stripe's "
                           "webhooks could not be verified; refusing to start.")
    for name in ("SECRET_KEY", "JWT_SECRET_KEY"):
        value = app.config.get(name) or ""
        if value == DEV_SECRET_KEY or len(value) < 32:
            raise RuntimeError(
                f"Production needs a random {name} of at least 32 characters in the "
                "environment; refusing to start."
            )
    if not app.config.get("STRIPE_SECRET_KEY") and not app.config.get("DEMO_OFFLINE_PAYMENTS"):
        # The offline provider "pays" every order without taking any money.
        raise RuntimeError(
            "Production takes payments through Stripe: set STRIPE_SECRET_KEY and "
            "STRIPE_WEBHOOK_SECRET, or set BAZAAR_DEMO_OFFLINE_PAYMENTS=1 to run a demo that "
            "takes no money (every page then says so); refusing to start."
        )


def describe_mode(app):
    """One line saying which real services this process uses and which embedded stand-ins."""
    cfg = app.config
    database = cfg["SQLALCHEMY_DATABASE_URI"].split("://")[0].split("+")[0]
    payments = "offline DEMO" if cfg.get("DEMO_OFFLINE_PAYMENTS") else "offline test"
    jobs = "jobs: RQ on Redis" if cfg.get("REDIS_URL") else "jobs: in-process"
    if not cfg.get("REDIS_URL") and cfg.get("EMBEDDED_SCHEDULER"):
        jobs += ", periodic ones too"
    parts = [
        f"{cfg['ENV_NAME']} mode",
        f"database: {database}",
        jobs,
        f"mail: SMTP {cfg['MAIL_SERVER']}" if cfg.get("MAIL_SERVER") else "mail: outbox",
        f"payments: {'Stripe' if cfg.get('STRIPE_SECRET_KEY') else payments}",
        "media: ImageKit" if cfg.get("IMAGEKIT_PRIVATE_KEY") else "media: local files",
    ]
    return ", ".join(parts)


def register_logging(app):
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


def register_proxy_fix(app):
    """Behind nginx, take the client address and scheme from the trusted proxy headers."""
    hops = app.config.get("TRUSTED_PROXIES") or 0
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app):
    from app import caching
    from app.extensions import csrf, db, jobs, login_manager, mail, migrate, socketio
    from app.services.payments.configured import payments
    from blueprints.auth.session import load_signed_in_user

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A file on this machine cannot drop a connection: pinging before every checkout
        # would only add a SELECT 1 to every request.
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.pop("pool_pre_ping", None)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    # Each sign-in is a revocable user_sessions row, valid only in the browser it was opened
    # in (see load_signed_in_user): Flask-Login's own check of the session is not needed.
    login_manager.session_protection = None
    login_manager.user_loader(load_signed_in_user)
    csrf.init_app(app)
    register_limiter(app)
    mail.init_app(app)
    jobs.init_app(app)
    caching.init_app(app)
    payments.init_app(app)
    register_google_client(app)
    socketio.init_app(
        app,
        async_mode="threading",
        message_queue=app.config.get("REDIS_URL"),
        manage_session=False,
    )
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        from app.db.sqlite import enable_sqlite_pragmas

        with app.app_context():
            enable_sqlite_pragmas(db.engine)


def register_limiter(app):
    """Flask-Limiter keeps `enabled` on the one shared Limiter object, so several apps in one
    process (tests) would flip it for each other; each app's own setting is applied per request."""
    from app import ratelimit_storage  # registers its storage scheme with `limits`
    from app.extensions import limiter

    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or f"{ratelimit_storage.SCHEME}://")
    if redis_url:
        # Fail fast when Redis is unreachable, so the in-memory fallback takes over at once.
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS",
                              {"socket_connect_timeout": 2, "socket_timeout": 2})
    enabled = app.config["RATELIMIT_ENABLED"]
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    app.config["RATELIMIT_ENABLED"] = enabled


def register_google_client(app):
    """One OAuth registry per app, so apps built with and without Google stay apart."""
    if not app.config.get("GOOGLE_CLIENT_ID"):
        return
    from authlib.integrations.flask_client import OAuth

    oauth = OAuth(app)
    app.extensions["google_oidc"] = oauth.register(
        "google",
        client_id=app.config["GOOGLE_CLIENT_ID"],
        client_secret=app.config["GOOGLE_CLIENT_SECRET"],
        server_metadata_url=app.config["GOOGLE_DISCOVERY_URL"],
        client_kwargs={"scope": "openid email profile"},
    )


def register_request_guards(app):
    """JSON that cannot recurse and the body cap, before any other request hook runs."""
    from app.request_guards import register

    register(app)


def register_blueprints(app):
    from app.request_guards import register_converters
    from blueprints.account import bp as account_bp
    from blueprints.admin import bp as admin_bp
    from blueprints.api import bp as api_bp
    from blueprints.auth import bp as auth_bp
    from blueprints.cart import bp as cart_bp
    from blueprints.chat import bp as chat_bp
    from blueprints.checkout import bp as checkout_bp
    from blueprints.media import bp as media_bp
    from blueprints.seller import bp as seller_bp
    from blueprints.storefront import bp as storefront_bp
    from blueprints.webhooks import bp as webhooks_bp

    register_converters(app)  # bounded <int:...> ids, before any rule is added
    app.register_blueprint(storefront_bp)
    app.register_blueprint(media_bp)
    app.register_blueprint(cart_bp)
    app.register_blueprint(checkout_bp, url_prefix="/checkout")
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(chat_bp, url_prefix="/messages")
    app.register_blueprint(seller_bp, url_prefix="/seller")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(webhooks_bp, url_prefix="/webhooks")


def register_error_handlers(app):
    from blueprints.web.errors import register

    register(app)


def register_template_helpers(app):
    from app.templating import register

    register(app)


def register_security_headers(app):
    from app.security import register

    register(app)


def register_cli(app):
    from app.cli import register

    register(app)


def register_embedded_scheduler(app):
    """Without Redis, the serving process runs the periodic jobs: started by the first request,
    so CLI commands never start it (see app/jobs/embedded_scheduler.py)."""
    if app.config.get("REDIS_URL") or not app.config.get("EMBEDDED_SCHEDULER"):
        return
    from app.jobs.embedded_scheduler import EmbeddedScheduler
    from workers.schedule import SCHEDULE

    scheduler = app.extensions["embedded_scheduler"] = EmbeddedScheduler(app, SCHEDULE)

    @app.before_request
    def start_embedded_scheduler():
        scheduler.start()  # once per process: one comparison after that
