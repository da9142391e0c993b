"""Error pages for people and JSON errors for the API."""
import logging

from flask import jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger(__name__)

TITLES = {
    400: ("Bad request", "We could not understand that request."),
    403: ("Not allowed", "You do not have access to this page."),
    404: ("Page not found", "We looked everywhere but could not find that page."),
    405: ("Not allowed", "That action is not available here."),
    413: ("Too large", "What you sent is larger than we accept."),
    429: ("Slow down", "Too many attempts. Please wait a moment and try again."),
    500: ("Something went wrong", "Our side failed. The team has been told; try again soon."),
    503: ("Try again later", "We cannot do that right now. Please try again in a few minutes."),
}


def wants_json():
    """Machines call /api and /webhooks: they get JSON errors, people get pages."""
    return request.path.startswith(("/api/", "/webhooks/"))


def render_error(code, message=None):
    title, default_message = TITLES.get(code, TITLES[500])
    message = message or default_message
    if wants_json():
        return jsonify(error={"code": code, "title": title, "message": message}), code
    return render_template("errors/error.html", code=code, title=title, message=message), code


def register(app):
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "Your form expired or was sent from elsewhere. Reload the page "
                                 "and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error):
        message = error.description if error.code in (400, 429) and wants_json() else None
        if error.code == 429:
            message = "Too many attempts. Please wait a moment and try again."
        response = make_response(render_error(error.code, message))
        if error.code == 405 and getattr(error, "valid_methods", None):
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def unhandled_error(error):
        if isinstance(error, HTTPException):
            return http_error(error)
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render_error(InternalServerError.code)
