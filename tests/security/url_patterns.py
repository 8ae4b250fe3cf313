"""Every URL pattern of the hub, walked from the root resolver (for the access and header tests)."""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Not pages of the hub's own: Django's admin, the pages open to people not signed in (sign-in,
# forgotten password, the NHS identity providers' return addresses), static files, the health check.
SKIPPED_PREFIXES = (
    "admin/",
    "accounts/login/",
    "accounts/logout/",
    "accounts/password/reset/",
    "accounts/reset/",
    "accounts/oidc/",
    "accounts/invitation/",
    "health/",
    "static/",
    "media/",
    "__debug__/",
    "api/",
)


@dataclass(frozen=True)
class Page:
    route: str  # e.g. "care-homes/<int:pk>/" (or a regular expression)
    name: str  # e.g. "carehomes:detail"

    def path(self, **kwargs):
        return reverse(self.name, kwargs=kwargs)


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {prefix}{pattern.pattern}>"
            if namespace and pattern.name:
                name = f"{namespace}:{pattern.name}"
            yield Page(route=prefix + str(pattern.pattern), name=name)


def hub_pages():
    """The hub's own pages, in URLconf order (admin, accounts, health and static left out)."""
    return [
        p for p in _walk(get_resolver().url_patterns) if not p.route.lstrip("^").startswith(SKIPPED_PREFIXES)
    ]
