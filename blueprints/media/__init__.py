"""Serves locally stored media in the embedded mode (nginx serves it in production)."""
from flask import Blueprint, current_app, send_from_directory

bp = Blueprint("media", __name__)


@bp.get("/media/<path:filename>")
def file(filename):
    response = send_from_directory(current_app.config["MEDIA_ROOT"], filename, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
