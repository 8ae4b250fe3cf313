"""A local OpenID Connect provider for the tests: oidc-provider-mock (Authlib's server pieces) on a
thread on 127.0.0.1, with real RSA keys, discovery, JWKS, signed ID tokens, userinfo and RP-initiated
logout. What it lacks (back-channel logout tokens) the tests make with its own signing key.
"""

import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import flask
import requests
import werkzeug.serving
from joserfc import jwt
from joserfc.jwk import RSAKey
from oidc_provider_mock import app as provider_app

CLIENT_ID = "care-home-pharmacy-hub"
CLIENT_SECRET = "local-provider-secret"


@dataclass
class LocalProvider:
    url: str
    app: flask.Flask

    def set_user(self, sub, **claims):
        """The claims the provider will give for this subject (its ID token and userinfo)."""
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5)
        response.raise_for_status()

    def approve(self, authorization_url, sub):
        """The person signs in at the provider as `sub`: the address it sends them back to."""
        response = requests.post(authorization_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def signing_key(self):
        """The provider's own private signing key (the one its JWKS publishes), as a joserfc key."""
        with self.app.test_request_context():
            self.app.preprocess_request()
            key = flask.g.oidc_provider_mock_storage.jwk
        return RSAKey.import_key(key.as_dict(is_private=True))

    def logout_token(self, *, sub=None, sid=None, audience=CLIENT_ID, issuer=None, key=None, **extra):
        """A back-channel logout token signed as the provider signs its ID tokens."""
        key = key or self.signing_key()
        claims = {
            "iss": issuer or self.url,
            "aud": audience,
            "iat": int(time.time()),
            "jti": uuid.uuid4().hex,
            "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
            **({"sub": sub} if sub else {}),
            **({"sid": sid} if sid else {}),
            **extra,
        }
        header = {"alg": "RS256"}
        if key.kid:
            header["kid"] = key.kid
        return jwt.encode(header, claims, key)

    def settings_for(self, **overrides):
        return {
            "issuer": self.url,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "private_key": "",
            **overrides,
        }


@contextmanager
def local_provider():
    app = provider_app()
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield LocalProvider(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


def callback_path(location):
    """The hub-relative part of the provider's redirect back (for the Django test client)."""
    parts = urlsplit(location)
    return f"{parts.path}?{parts.query}"
