"""Jobs about the job queue itself."""
from app.extensions import jobs


def release_deferred():
    """Queue the jobs kept in the database while Redis was down (safe to run twice)."""
    return jobs.release_deferred()
