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


DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


@pytest.mark.parametrize("conf", ["gunicorn.conf.py", "gunicorn-socketio.conf.py"])
def test_gunicorn_listens_on_loopback_only_by_default(conf, monkeypatch):
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    bind = runpy.run_path(str(DEPLOY / conf))["bind"]
    assert bind.startswith("127.0.0.1:")


def test_no_deploy_example_binds_gunicorn_to_every_address():
    # A bind on the command line overrides the config file's loopback default.
    for path in sorted(DEPLOY.iterdir()):
        text = path.read_text()
        assert "0.0.0.0" not in text and "--bind" not in text, path.name


def published_ports(compose_text):
    """{service: its `ports:` value} from compose.yaml's top-level services."""
    ports, service, in_services = {}, None, False
    for line in compose_text.splitlines():
        if line and not line.startswith(" "):
            in_services = line.startswith("services:")
        elif in_services and line.startswith("  ") and not line.startswith("   "):
            service = line.strip().split(":")[0]
        elif in_services and line.strip().startswith("ports:"):
            ports[service] = line.split(":", 1)[1].strip()
    return ports


def test_compose_publishes_nginx_port_alone():
    compose = (DEPLOY / "compose.yaml").read_text()
    assert "ports:" not in compose.split("services:")[0]  # nothing shared by every app container
    assert published_ports(compose) == {"nginx": '["80:80"]'}
