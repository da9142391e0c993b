"""Sign in with Google (OpenID Connect), offered only when GOOGLE_CLIENT_ID is configured."""
import logging

from authlib.integrations.base_client.errors import OAuthError
from flask import abort, current_app, flash, redirect, url_for
from joserfc.errors import JoseError
from requests import RequestException

from app.services.accounts import registration
from app.templating import absolute_url_for
from blueprints.auth import bp
from blueprints.auth.session import start_session
from blueprints.web.navigation import landing_for

log = logging.getLogger(__name__)


def _client():
    client = current_app.extensions.get("google_oidc")
    if client is None:
        abort(404)
    return client


GOOGLE_FAILURES = (OAuthError, JoseError, RequestException, ValueError, KeyError)


def _google_failed(error):
    log.warning("Google sign-in failed: %s", error)
    flash("Google sign-in did not complete. Please try again.", "warning")
    return redirect(url_for("auth.login"))


@bp.get("/google")
def google_login():
    client = _client()
    try:
        return client.authorize_redirect(absolute_url_for("auth.google_callback"))
    except GOOGLE_FAILURES as error:  # e.g. Google's discovery document is unreachable
        return _google_failed(error)


@bp.get("/google/callback")
def google_callback():
    client = _client()
    try:
        token = client.authorize_access_token()
        # Set only from an id_token whose signature, issuer, audience, expiry and nonce checked out.
        claims = token.get("userinfo")
        if not claims:
            raise ValueError("Google's answer had no id_token")
    except GOOGLE_FAILURES as error:
        return _google_failed(error)
    try:
        user = registration.login_with_google(
            sub=claims.get("sub"),
            email=claims.get("email"),
            email_verified=claims.get("email_verified") is True,
            name=claims.get("name") or "",
        )
    except registration.AccountError as error:
        flash(str(error), "warning")
        return redirect(url_for("auth.login"))
    start_session(user)
    flash(f"Welcome, {user.name}.", "success")
    return redirect(landing_for(user))
