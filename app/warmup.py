"""What a page worker would otherwise do on its first requests, done once before forking."""
import logging
import time

from app.extensions import db

log = logging.getLogger(__name__)


def _page_template(name):
    return name.endswith(".html") and not name.startswith("emails/")


def warm(app):
    """Compile the page templates, build the catalogue snapshot and load the user-agent
    parser's rules (0.2 s) in this process.

    Under gunicorn with preload_app the master calls this before forking, so every worker
    starts with both (shared copy-on-write) instead of building them during a shopper's
    request: the snapshot is half a second of CPU at 100k products. A failure costs only
    that speed, never a page: the workers then build what is missing themselves.
    """
    from app.services.catalog.listing.filters import vocabulary
    from app.services.catalog.listing.index import current_index
    from app.text.user_agents import parse_user_agent

    started = time.perf_counter()
    try:
        for name in app.jinja_env.list_templates(filter_func=_page_template):
            app.jinja_env.get_template(name)
        with app.test_request_context("/"):
            vocabulary()
            products = len(current_index())
        parse_user_agent("Mozilla/5.0")  # the parser loads its rules on first use
        log.info("warmed up in %.1f s: templates compiled, catalogue snapshot of %d products",
                 time.perf_counter() - started, products)
    except Exception:
        log.warning("warm-up skipped: workers will build their caches themselves",
                    exc_info=True)
    finally:
        with app.app_context():
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()  # no connection may cross the fork
