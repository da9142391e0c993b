"""Exit 0 when PostgreSQL and Redis for the services test run are reachable, else say why."""
import sys

import psycopg
from redis import Redis
from redis.exceptions import RedisError


def unreachable(database_url, redis_url):
    problems = []
    try:
        psycopg.connect(database_url.replace("+psycopg", ""), connect_timeout=3).close()
    except psycopg.Error as error:
        problems.append(f"PostgreSQL at {database_url}: {str(error).strip()}")
    try:
        Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except RedisError as error:
        problems.append(f"Redis at {redis_url}: {error}")
    return problems


if __name__ == "__main__":
    problems = unreachable(sys.argv[1], sys.argv[2])
    for problem in problems:
        print(f"not reachable: {problem}")
    sys.exit(1 if problems else 0)
