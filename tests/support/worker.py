"""Runs a real RQ worker for the services test run, configured like the app under test."""
import json
import os
import sys

from app import create_app
from workers.worker import run_worker

if __name__ == "__main__":
    overrides = json.loads(os.environ["BAZAAR_TEST_OVERRIDES"])
    app = create_app("testing", overrides)
    with app.app_context():
        sys.exit(0 if run_worker(app) else 1)
