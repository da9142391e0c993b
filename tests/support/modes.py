"""Which run this is: the embedded default, or PostgreSQL + Redis with a real RQ worker."""
import os

DATABASE_URL = os.environ.get("BAZAAR_TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("BAZAAR_TEST_REDIS_URL", "")
SERVICES = bool(REDIS_URL) and DATABASE_URL.startswith("postgresql")
IN_CI = os.environ.get("CI", "").lower() == "true"
MODE = "services" if SERVICES else "embedded"
