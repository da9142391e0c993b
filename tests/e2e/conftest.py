"""Browser tests: headless Debian Chromium driven by pytest-playwright, against a live server."""
from pathlib import Path

import pytest

from tests.support import modes
from tests.support.server import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system Chromium (never `playwright install`, which downloads browsers)."""
    if not CHROMIUM.exists():
        message = ("Chromium not installed: apt-get install chromium (Debian) to run the "
                   "browser tests")
        if modes.IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture
def live_server(make_app):
    """The app, with CSRF protection on as in production, served over real HTTP."""
    server = LiveServer(make_app(WTF_CSRF_ENABLED=True)).start()
    yield server
    server.stop()
