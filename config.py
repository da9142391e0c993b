"""Configuration read from the environment; the embedded default needs none of it."""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("BAZAAR_INSTANCE_DIR", BASE_DIR / "instance"))
DEV_SECRET_KEY = "dev-only-insecure-secret-key-never-use-in-production"


def _env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    """Base settings shared by every environment."""

    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'bazaar.sqlite3'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL") or None

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024

    # Rate limits (Flask-Limiter); counted in Redis when REDIS_URL is set, else in the
    # database (app/ratelimit_storage.py), so every worker shares one count
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "fixed-window"  # the only one the database storage implements
    # If that storage fails (Redis down), count in this process's memory and log it once,
    # retrying the storage now and then, rather than answer 500.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute;50 per hour")
    RATELIMIT_OTP = os.environ.get("RATELIMIT_OTP", "20 per minute")
    RATELIMIT_CHAT = os.environ.get("RATELIMIT_CHAT", "30 per minute;300 per hour")

    # One-time codes
    OTP_TTL_SECONDS = _env_int("OTP_TTL_SECONDS", 5 * 60)
    OTP_RESEND_COOLDOWN_SECONDS = _env_int("OTP_RESEND_COOLDOWN_SECONDS", 60)
    OTP_MAX_ATTEMPTS = _env_int("OTP_MAX_ATTEMPTS", 3)
    OTP_ATTEMPT_LOCK_SECONDS = _env_int("OTP_ATTEMPT_LOCK_SECONDS", 30 * 60)
    OTP_MAX_SENDS_PER_HOUR = _env_int("OTP_MAX_SENDS_PER_HOUR", 5)
    OTP_SPAM_LOCK_SECONDS = _env_int("OTP_SPAM_LOCK_SECONDS", 60 * 60)
    PASSWORD_RESET_TOKEN_SECONDS = _env_int("PASSWORD_RESET_TOKEN_SECONDS", 15 * 60)

    # JSON API tokens
    JWT_SECRET_KEY = os.environ.get("JWT_SECRET_KEY") or SECRET_KEY
    JWT_ACCESS_TOKEN_SECONDS = _env_int("JWT_ACCESS_TOKEN_SECONDS", 15 * 60)
    JWT_REFRESH_TOKEN_SECONDS = _env_int("JWT_REFRESH_TOKEN_SECONDS", 30 * 24 * 3600)

    # Mail: SMTP when MAIL_SERVER is set, the database outbox otherwise
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Bazaar <no-reply@bazaar.local>")
    # Flask-Mail suppresses sending under TESTING; tests use a real SMTP server instead.
    MAIL_SUPPRESS_SEND = False

    # Payments and media (used by later capabilities; empty means offline/local)
    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY") or None
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY") or None
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET") or None
    # Production without Stripe keys refuses to start unless this says, loudly, that the site
    # is a demo: then the offline provider takes no money and every page carries a banner.
    DEMO_OFFLINE_PAYMENTS = _env_bool("BAZAAR_DEMO_OFFLINE_PAYMENTS", False)
    IMAGEKIT_PRIVATE_KEY = os.environ.get("IMAGEKIT_PRIVATE_KEY") or None
    IMAGEKIT_PUBLIC_KEY = os.environ.get("IMAGEKIT_PUBLIC_KEY") or None
    IMAGEKIT_URL_ENDPOINT = os.environ.get("IMAGEKIT_URL_ENDPOINT") or None
    MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(INSTANCE_DIR / "uploads"))

    # Sign in with Google (OpenID Connect); hidden unless configured
    GOOGLE_CLIENT_ID = os.environ.get("GOOGLE_CLIENT_ID") or None
    GOOGLE_CLIENT_SECRET = os.environ.get("GOOGLE_CLIENT_SECRET") or None
    GOOGLE_DISCOVERY_URL = os.environ.get(
        "GOOGLE_DISCOVERY_URL", "https://accounts.google.com/.well-known/openid-configuration"
    )

    # How many reverse proxies (nginx) stand in front; their X-Forwarded-* headers are trusted.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

    # The cache layer (app/caching): guest pages and catalogue answers live at most this long
    # (seconds; 0 = no cache). Any write shoppers can see turns their key at once, so this
    # bounds memory, not staleness. In Redis at CACHE_REDIS_URL (else REDIS_URL; deploy/ gives
    # the cache a Redis of its own, capped, with LRU eviction), else in the instance folder.
    STOREFRONT_CACHE_SECONDS = _env_int("STOREFRONT_CACHE_SECONDS", 300)
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL") or None

    # Analytics events are buffered in the process and, every ANALYTICS_FLUSH_SECONDS, off the
    # request path, written in one transaction (embedded mode) or handed to the workers as one
    # job (with REDIS_URL). Off in tests, which then see every event written (or queued) at once.
    ANALYTICS_BUFFERED = _env_bool("ANALYTICS_BUFFERED", True)
    ANALYTICS_FLUSH_SECONDS = float(os.environ.get("ANALYTICS_FLUSH_SECONDS") or 1.0)

    # Without REDIS_URL, the serving process runs workers/schedule.py's periodic jobs itself
    # (app/jobs/embedded_scheduler.py); with Redis, `flask scheduler` does. Off in tests.
    EMBEDDED_SCHEDULER = _env_bool("EMBEDDED_SCHEDULER", True)

    SITE_NAME = os.environ.get("SITE_NAME", "Bazaar")
    # The public address: absolute links in emails and jobs (outside any request) and in pages
    # (canonical links), which never take the request's Host header.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    CURRENCY = os.environ.get("CURRENCY", "USD")


class DevelopmentConfig(Config):
    """The embedded default: `make run` on a laptop."""


class TestingConfig(Config):
    """Tests: a throwaway database and services chosen by BAZAAR_TEST_* variables."""

    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-only-for-the-test-suite"
    JWT_SECRET_KEY = "testing-jwt-secret-key-only-for-the-test-suite"
    SQLALCHEMY_DATABASE_URI = os.environ.get("BAZAAR_TEST_DATABASE_URL", "sqlite://")
    REDIS_URL = os.environ.get("BAZAAR_TEST_REDIS_URL") or None
    RATELIMIT_ENABLED = False
    MAIL_SERVER = None
    STRIPE_SECRET_KEY = None
    DEMO_OFFLINE_PAYMENTS = False
    GOOGLE_CLIENT_ID = None
    WTF_CSRF_ENABLED = False
    PASSWORD_HASH_FAST = True
    STOREFRONT_CACHE_SECONDS = 0
    ANALYTICS_BUFFERED = False
    EMBEDDED_SCHEDULER = False


class ProductionConfig(Config):
    """A real deployment: refuses to start with development secrets."""

    ENV_NAME = "production"
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 1)
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name=None):
    """Pick a config class by name, defaulting to BAZAAR_ENV or development."""
    return CONFIGS[name or os.environ.get("BAZAAR_ENV", "development")]
