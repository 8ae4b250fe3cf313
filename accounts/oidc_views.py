"""Sign in with an NHS identity: start, return, sign out at the provider, and back-channel logout."""

import logging

import requests
from authlib.integrations.base_client.errors import OAuthError
from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from joserfc.errors import JoseError

from accounts import oidc, selectors, services
from accounts.middleware import MUST_CHANGE_PASSWORD, SIGNED_IN_WITH
from accounts.models import Provider

security_log = logging.getLogger("hub.security")

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
SESSION_INVITATION = "hub_invitation"
SESSION_PROVIDER = SIGNED_IN_WITH
SESSION_ID_TOKEN = "hub_oidc_id_token"  # noqa: S105 - a session key, not a secret
SESSION_NEXT = "hub_oidc_next"


def _enabled_provider(name):
    if not oidc.is_enabled(name):
        raise Http404("No such provider")
    return Provider(name)


def _refused(request, reason, status=403, provider=None):
    return render(
        request,
        "accounts/sign_in_refused.jinja",
        {
            "page_title": "You cannot sign in yet" if reason == "no_invitation" else "Sign-in refused",
            "reason": reason,
            "provider_label": Provider(provider).label if provider else "",
            "required_level": oidc.ACR_LEVELS.get(
                oidc.provider_settings(Provider.CIS2).get("acr_values", ""), 2
            ),
        },
        status=status,
    )


@never_cache
@login_not_required
@require_GET
def provider_login(request, provider):
    """Send the person to the provider (authorization-code flow, PKCE, state and nonce)."""
    provider = _enabled_provider(provider)
    next_url = request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        request.session[SESSION_NEXT] = next_url
    extra = {}
    if provider == Provider.CIS2:
        extra["acr_values"] = oidc.provider_settings(provider)["acr_values"]
    redirect_uri = request.build_absolute_uri(reverse("oidc_callback", kwargs={"provider": provider}))
    try:
        return oidc.client_for(provider).authorize_redirect(request, redirect_uri, **extra)
    except (requests.RequestException, ValueError, KeyError) as error:
        security_log.warning(
            "NHS identity provider unreachable: provider=%s error=%s", provider, error.__class__.__name__
        )
        return _refused(request, "unreachable", status=503, provider=provider)


@never_cache
@login_not_required
@require_GET
def provider_callback(request, provider):
    """The provider sends the person back: check everything, then bind or sign in, or say why not."""
    provider = _enabled_provider(provider)
    client = oidc.client_for(provider)
    try:
        token = client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if not claims:
            raise OAuthError(error="missing_id_token")
        if provider == Provider.CIS2 and client.load_server_metadata().get("userinfo_endpoint"):
            # CIS2 gives the organisations and role codes at its userinfo endpoint.
            userinfo = dict(client.userinfo(token=token))
            if userinfo.get("sub") == claims.get("sub"):
                claims = {**userinfo, **claims}
    except (OAuthError, JoseError, requests.RequestException, ValueError, KeyError) as error:
        security_log.warning(
            "NHS identity sign-in failed: provider=%s error=%s",
            provider,
            getattr(error, "error", None) or error.__class__.__name__,
        )
        return _refused(request, "failed", status=400, provider=provider)
    try:
        identity = oidc.identity_from_claims(provider, claims)
        user = services.identity_sign_in(
            identity=identity, invitation_id=request.session.get(SESSION_INVITATION)
        )
    except oidc.ClaimsRefused as refusal:
        security_log.warning("NHS identity sign-in refused (%s): provider=%s", refusal.reason, provider)
        return _refused(request, refusal.reason, provider=provider)
    except services.SignInRefused as refusal:
        return _refused(request, refusal.reason, provider=provider)
    next_url = request.session.pop(SESSION_NEXT, None) or reverse("home")
    request.session.pop(SESSION_INVITATION, None)
    login(request, user, backend=MODEL_BACKEND)
    request.session.pop(MUST_CHANGE_PASSWORD, None)  # a password is not how this person signed in
    request.session[SESSION_PROVIDER] = provider.value
    request.session[SESSION_ID_TOKEN] = token.get("id_token", "")
    request.session.save()
    services.provider_session_record(identity=identity, user=user, session_key=request.session.session_key)
    return HttpResponseRedirect(next_url)


@never_cache
@login_not_required
@require_GET
def invitation(request, token):
    """An invitation link: remember it for the sign-in that follows, and offer the providers."""
    found = selectors.invitation_for_token(token=token)
    state = "ok"
    if found is None:
        state = "unknown"
    elif found.used_at is not None:
        state = "used"
    elif found.is_expired() or not found.staff.is_active:
        state = "expired"
    if state == "ok":
        request.session[SESSION_INVITATION] = found.pk
    return render(
        request,
        "accounts/invitation.jinja",
        {
            "page_title": "Your invitation" if state == "ok" else "This invitation does not work",
            "state": state,
            "invitation": found if state == "ok" else None,
            "providers": oidc.enabled_providers(),
        },
        status=200 if state == "ok" else 404 if state == "unknown" else 410,
    )


@require_POST
@login_not_required
def sign_out(request):
    """End the hub session and, where the provider supports it, the provider's session too."""
    provider = request.session.get(SESSION_PROVIDER)
    id_token = request.session.get(SESSION_ID_TOKEN, "")
    logout(request)
    after = request.build_absolute_uri(reverse(settings.LOGOUT_REDIRECT_URL))
    if provider and oidc.is_enabled(provider):
        client = oidc.client_for(provider)
        try:
            if client.load_server_metadata().get("end_session_endpoint"):
                url = client.create_logout_url(
                    post_logout_redirect_uri=after, id_token_hint=id_token or None, client_id=client.client_id
                )["url"]
                return HttpResponseRedirect(url)
        except requests.RequestException:
            security_log.warning("provider sign-out unreachable: provider=%s", provider)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@never_cache
@csrf_exempt  # the provider posts here, server to server, with a signed logout token
@login_not_required
@require_POST
def back_channel_logout(request, provider):
    provider = _enabled_provider(provider)
    logout_token = request.POST.get("logout_token", "")
    try:
        claims = oidc.logout_token_claims(provider, logout_token)
    except oidc.ClaimsRefused as refusal:
        security_log.warning("back-channel logout refused: provider=%s detail=%s", provider, refusal.detail)
        return JsonResponse({"error": "invalid_request"}, status=400)
    except requests.RequestException:
        return JsonResponse({"error": "temporarily_unavailable"}, status=503)
    services.provider_sessions_end(
        provider=provider, issuer=claims["iss"], sid=claims.get("sid") or "", subject=claims.get("sub") or ""
    )
    return JsonResponse({})
