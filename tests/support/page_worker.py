"""One storefront worker process for the freshness tests: the app over HTTP on a loopback port.

Configured by BAZAAR_TEST_OVERRIDES (JSON), like the RQ worker; prints its base URL first.
"""
import json
import os

from werkzeug.serving import make_server

from app import create_app

if __name__ == "__main__":
    app = create_app("testing", json.loads(os.environ["BAZAAR_TEST_OVERRIDES"]))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(f"http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()
