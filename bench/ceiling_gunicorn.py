"""gunicorn settings for the ceiling (bench/ceiling.py): the deployed ones, without the app's hooks.

Everything deploy/gunicorn.conf.py sets (sync workers, preload, timeouts, recycling, access
log, the corked single-segment responses of pre_request) except its when_ready and post_fork,
which warm and fork the Bazaar app; the ceiling's own do the same for its one engine.
"""
import runpy
from pathlib import Path

_deployed = runpy.run_path(str(Path(__file__).resolve().parent.parent / "deploy"
                               / "gunicorn.conf.py"))

bind = _deployed["bind"]
worker_class = _deployed["worker_class"]
workers = _deployed["workers"]
timeout = _deployed["timeout"]
graceful_timeout = _deployed["graceful_timeout"]
preload_app = _deployed["preload_app"]
max_requests = _deployed["max_requests"]
max_requests_jitter = _deployed["max_requests_jitter"]
accesslog = _deployed["accesslog"]
errorlog = _deployed["errorlog"]
pre_request = _deployed["pre_request"]


def when_ready(server):
    import gc

    gc.freeze()


def post_fork(server, worker):
    from bench.ceiling import engine

    engine.dispose(close=False)
