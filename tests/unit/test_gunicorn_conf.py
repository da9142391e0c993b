"""deploy/gunicorn.conf.py: the page workers' settings and hooks, and what must fit in them."""
import runpy
import socket
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.workers.gthread import ThreadWorker
from gunicorn.workers.sync import SyncWorker

CONF = runpy.run_path(str(Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"))


@pytest.fixture
def connection():
    with socket.create_server(("127.0.0.1", 0)) as server:
        client = socket.create_connection(server.getsockname())
        accepted, _ = server.accept()
        yield accepted
        accepted.close()
        client.close()


def corked(sock):
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_CORK) == 1


def request_on(sock):
    return SimpleNamespace(unreader=SimpleNamespace(sock=sock))


def test_page_workers_are_sync_workers():
    assert CONF["worker_class"] == "sync"


linux_only = pytest.mark.skipif(not hasattr(socket, "TCP_CORK"), reason="TCP_CORK is Linux's")


@linux_only
def test_a_sync_worker_sends_each_response_in_one_corked_segment(connection):
    CONF["pre_request"](object.__new__(SyncWorker), request_on(connection))
    assert corked(connection)


@linux_only
def test_a_keep_alive_worker_never_corks_its_connections(connection):
    CONF["pre_request"](object.__new__(ThreadWorker), request_on(connection))
    assert not corked(connection)


def test_stripe_calls_give_up_before_a_sync_worker_is_restarted():
    from app.services.payments.stripe_provider import STRIPE_TIMEOUT, StripeProvider

    client = StripeProvider("sk_test_unused").client._requestor._client
    assert client._timeout == STRIPE_TIMEOUT
    assert CONF["timeout"] > 3 * STRIPE_TIMEOUT  # the first try and two retries
