"""The API token pages on /account/api-tokens/: make, list, see use of and revoke tokens."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from api import selectors, services
from api.forms import ApiTokenForm, ServiceTokenForm
from config.forms import answer_write
from config.rendering import found_or_404
from organisations.access import may, require, requires
from organisations.permissions import Permission


def _token_or_404(request, pk):
    token = found_or_404(selectors.api_token_detail, user=request.user, pk=pk)
    require(request.user, Permission.VIEW_APITOKEN, token)
    return token


@never_cache
@requires(Permission.LIST_APITOKENS)
def token_list(request):
    """Your tokens, and the form to make one. A new token's secret is shown once, in this answer."""
    form_class = ServiceTokenForm if may(request.user, Permission.ADD_SERVICE_TOKEN) else ApiTokenForm
    form = form_class(request.POST or None)

    def created(token_and_secret):
        token, secret = token_and_secret
        return render(
            request,
            "api/token_created.jinja",
            {"page_title": "Your new API token", "token": token, "secret": secret},
            status=201,  # Created: shown once, in this answer (not behind a redirect that would keep it)
        )

    return answer_write(
        form,
        lambda data: services.api_token_create(by=request.user, **data),
        done=created,
        refused=lambda: render(
            request,
            "api/token_list.jinja",
            {
                "page_title": "API tokens",
                "form": form,
                "tokens": list(selectors.api_token_list(user=request.user)),
            },
            status=400 if form.errors else 200,
        ),
    )


@requires(Permission.LIST_APITOKENS)
def token_detail(request, pk):
    token = _token_or_404(request, pk)
    return render(
        request,
        "api/token_detail.jinja",
        {"page_title": f"API token {token.name}", "token": token, "uses": selectors.api_token_uses(token)},
    )


@requires(Permission.LIST_APITOKENS)
def token_revoke(request, pk):
    token = _token_or_404(request, pk)
    if request.method == "POST":
        services.api_token_revoke(by=request.user, token=token)
        messages.success(request, f"Token “{token.name}” revoked. Anything using it will now be refused.")
        return redirect("api_tokens:list")
    return render(request, "api/token_revoke.jinja", {"page_title": f"Revoke {token.name}", "token": token})
