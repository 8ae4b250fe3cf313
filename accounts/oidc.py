"""The NHS identity providers over OpenID Connect: which are switched on, their Authlib clients, and
what their claims mean to the hub.

Authlib does the protocol: discovery, the authorization-code flow with PKCE (S256), `state` and
`nonce`, and checking the ID token's signature against the provider's JWKS, its issuer, audience,
expiry and nonce. This module only says which claims name a person and what assurance is enough.
"""

from dataclasses import dataclass, field

from authlib.integrations.django_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from django.conf import settings
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from accounts.models import Provider

SCOPES = {
    Provider.CIS2: "openid profile email nhsperson associatedorgs nationalrbacaccess",
    Provider.NHSMAIL: "openid profile email",
}
# The authentication assurance level each CIS2 `acr_values` setting asks for.
ACR_LEVELS = {"AAL2_OR_AAL3_ANY": 2, "AAL3_ANY": 3}
LOWEST_IDENTITY_ASSURANCE = 3
BACK_CHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"

_clients = {}


def provider_settings(name):
    return settings.OIDC_PROVIDERS.get(name) or {}


def enabled_providers():
    """The providers switched on by settings, in the order the sign-in page shows them."""
    return [
        Provider(name)
        for name in (Provider.CIS2, Provider.NHSMAIL)
        if provider_settings(name).get("issuer") and provider_settings(name).get("client_id")
    ]


def is_enabled(name):
    return name in {p.value for p in enabled_providers()}


def client_for(name):
    """The Authlib client of an enabled provider (made once per configuration)."""
    conf = provider_settings(name)
    key = (name, conf["issuer"], conf["client_id"], conf.get("client_secret"), conf.get("private_key"))
    if key not in _clients:
        client_kwargs = {"scope": SCOPES[name], "code_challenge_method": "S256", "timeout": 10}
        extra = {}
        secret = conf.get("client_secret")
        if conf.get("private_key"):
            # private_key_jwt: the client proves itself with a JWT signed by its own key.
            client_kwargs["token_endpoint_auth_method"] = "private_key_jwt"  # noqa: S105 - a method name
            extra["client_auth_methods"] = [PrivateKeyJWT(alg="RS512")]
            secret = conf["private_key"]
        oauth = OAuth()
        oauth.register(
            name,
            client_id=conf["client_id"],
            client_secret=secret,
            server_metadata_url=conf["issuer"].rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs=client_kwargs,
            **extra,
        )
        _clients[key] = oauth.create_client(name)
    return _clients[key]


@dataclass(frozen=True)
class SignedInIdentity:
    """Who the provider says signed in, read from the checked ID token (and, for CIS2, userinfo)."""

    provider: str
    issuer: str
    subject: str
    sid: str = ""
    email: str = ""
    name: str = ""
    org_codes: list = field(default_factory=list)
    role_codes: list = field(default_factory=list)


class ClaimsRefused(Exception):
    """The provider's answer is not one the hub accepts; `reason` picks the page that says why."""

    def __init__(self, reason, detail=""):
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


def _level(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return 0


def _text(value, limit=200):
    return str(value)[:limit] if value is not None else ""


def identity_from_claims(name, claims):
    """Read the identity from the claims; refuse a CIS2 sign-in whose assurance is too low."""
    issuer = _text(claims.get("iss"), 500)
    # Entra's `sub` differs per application; the object id `oid` names the person across the tenant.
    subject = _text(claims.get("oid") if name == Provider.NHSMAIL else claims.get("sub"), 255)
    if not issuer or not subject:
        raise ClaimsRefused("incomplete")
    org_codes, role_codes = [], []
    if name == Provider.CIS2:
        required = ACR_LEVELS[provider_settings(name).get("acr_values", "AAL2_OR_AAL3_ANY")]
        if _level(claims.get("id_assurance_level")) < LOWEST_IDENTITY_ASSURANCE:
            raise ClaimsRefused("identity_assurance")
        if _level(claims.get("authentication_assurance_level")) < required:
            raise ClaimsRefused("authentication_assurance", detail=str(required))
        org_codes = [
            {"org_code": _text(o.get("org_code"), 20), "org_name": _text(o.get("org_name"))}
            for o in claims.get("nhsid_user_orgs") or []
            if isinstance(o, dict)
        ]
        role_codes = [
            {
                "org_code": _text(r.get("org_code"), 20),
                "role_code": _text(r.get("role_code"), 100),
                "role_name": _text(r.get("role_name")),
            }
            for r in claims.get("nhsid_nrbac_roles") or []
            if isinstance(r, dict)
        ]
    return SignedInIdentity(
        provider=name,
        issuer=issuer,
        subject=subject,
        sid=_text(claims.get("sid"), 255),
        email=_text(claims.get("email") or claims.get("preferred_username"), 254),
        name=_text(claims.get("name")),
        org_codes=org_codes,
        role_codes=role_codes,
    )


def logout_token_claims(name, logout_token):
    """The claims of a back-channel logout token, checked as OpenID Connect Back-Channel Logout says:
    signed by the provider (its JWKS), our audience, its issuer, recent, the logout event, no nonce."""
    client = client_for(name)
    metadata = client.load_server_metadata()
    registry = JWSRegistry(algorithms=metadata.get("id_token_signing_alg_values_supported") or ["RS256"])
    try:
        token = jwt.decode(logout_token, KeySet.import_key_set(client.fetch_jwk_set()), registry=registry)
    except (JoseError, ValueError):
        # A key the provider has just rotated in: fetch its JWKS once more.
        try:
            keys = KeySet.import_key_set(client.fetch_jwk_set(force=True))
            token = jwt.decode(logout_token, keys, registry=registry)
        except (JoseError, ValueError) as error:
            raise ClaimsRefused("logout_token", detail=error.__class__.__name__) from error
    validator = jwt.JWTClaimsRegistry(
        leeway=120,
        iss={"essential": True, "value": metadata["issuer"]},
        aud={"essential": True, "value": client.client_id},
        iat={"essential": True},
    )
    try:
        validator.validate(token.claims)
    except JoseError as error:
        raise ClaimsRefused("logout_token", detail=error.__class__.__name__) from error
    claims = token.claims
    events = claims.get("events")
    if not isinstance(events, dict) or BACK_CHANNEL_LOGOUT_EVENT not in events:
        raise ClaimsRefused("logout_token", detail="no logout event")
    if "nonce" in claims or not (claims.get("sid") or claims.get("sub")):
        raise ClaimsRefused("logout_token", detail="nonce present or no sid/sub")
    return claims
