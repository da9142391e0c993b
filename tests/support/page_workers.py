"""Separate server processes serving the app, as production runs several workers: what one
worker's write changes must show in the others', which share only the database and the cache."""
import json
import os
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 30


class PageWorker:
    """One `python -m tests.support.page_worker` process, its output kept in `log_path`."""

    def __init__(self, overrides, log_path):
        self.log_path = Path(log_path)
        env = {**os.environ, "BAZAAR_TEST_OVERRIDES": json.dumps(overrides),
               "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "tests.support.page_worker"],
                                            cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT)
        self.url = None

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_until_serving(self):
        """Block until the worker printed its URL and answers there; RuntimeError with its
        log when it dies or takes too long."""
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            self._check_alive()
            printed = [line for line in self.log().splitlines() if line.startswith("http://")]
            if printed:
                self.url = printed[0].strip()
                try:
                    urllib.request.urlopen(f"{self.url}/favicon.ico", timeout=2).close()
                    return self.url
                except OSError:
                    pass
            time.sleep(0.05)
        raise RuntimeError(f"page worker did not start in {START_SECONDS} s:\n{self.log()}")

    def _check_alive(self):
        if self.process.poll() is not None:
            raise RuntimeError(f"page worker exited with {self.process.returncode}:\n"
                               f"{self.log()}")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def page_workers(overrides, log_dir, count=2):
    """Start `count` workers configured by `overrides` (create_app("testing", overrides));
    yield their base URLs once every one answers; stop them all at the end."""
    with ExitStack() as stack:
        workers = []
        for n in range(count):
            worker = PageWorker(overrides, Path(log_dir) / f"page-worker-{n}.log")
            stack.callback(worker.stop)
            workers.append(worker)
        yield tuple(worker.wait_until_serving() for worker in workers)
        dead = [worker for worker in workers if worker.process.poll() is not None]
        if dead:
            raise RuntimeError("page worker died during the tests:\n" + "\n".join(
                worker.log() for worker in dead))
