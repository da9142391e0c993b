"""Hostile input stops at the edge as a 4xx: bounded URL integers, safe JSON, a body cap."""
import builtins

from flask import current_app, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

# PostgreSQL's INTEGER (our id columns); SQLite holds more, but one range keeps both alike.
MAX_DB_INT = 2**31 - 1


def digits_up_to(limit):
    """A regex for the decimal numbers 0..`limit` (leading zeros allowed, as Werkzeug's are)."""
    text = str(limit)
    if len(text) == 1:
        return f"0*[0-{text}]"
    shorter = [rf"\d{{1,{len(text) - 1}}}"]
    same_length = [
        f"{text[:i]}[{'1' if i == 0 else '0'}-{int(digit) - 1}]" + rf"\d{{{len(text) - i - 1}}}"
        for i, digit in enumerate(text) if int(digit) > (1 if i == 0 else 0)
    ]
    return "0*(?:" + "|".join([*shorter, *same_length, text]) + ")"


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` that only matches what an id column can hold, so a larger number is a 404
    like any other unknown id instead of an overflow inside the database driver.

    The bound is in the regex, not only in `to_python`: Werkzeug checks methods before
    converters, so a GET and a POST rule on one path would answer an out-of-range POST 405."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_DB_INT, signed=False):
        max = MAX_DB_INT if max is None else builtins.min(max, MAX_DB_INT)
        self.regex = digits_up_to(max)
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, except that a body nested too deeply to parse is malformed JSON (a
    ValueError, so `get_json` answers 400 or None) rather than an escaping RecursionError."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply.") from None


def register_converters(app):
    """Must run before any blueprint is registered: rules bind their converters when added."""
    app.url_map.converters["int"] = BoundedIntConverter


def refuse_oversized_body():
    """413 for a declared body over the limit, even on a route that would never read it."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()


def register(app):
    app.json = SafeJSONProvider(app)
    app.before_request(refuse_oversized_body)
