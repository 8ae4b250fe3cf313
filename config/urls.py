from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, include, path

from accounts.urls import sign_in_patterns
from api.endpoints import api
from config import views
from workstreams.urls import organisation_patterns


def _token_authenticated(urls):
    """The API authenticates each request by its token, not the session: no sign-in redirect."""
    patterns, app_name, namespace = urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = login_not_required(pattern.callback)
    return patterns, app_name, namespace


api_urls = _token_authenticated(api.urls)

urlpatterns = [
    path("", views.home, name="home"),
    path("no-role/", views.no_role, name="no_role"),
    path("health/", views.health, name="health"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("privacy/", views.privacy_notice, name="privacy"),
    path("session/keep-alive/", views.keep_alive, name="keep_alive"),
    path("", include(sign_in_patterns)),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("dashboard.urls")),
    path("", include("carehomes.urls")),
    path("", include("organisations.urls")),
    path("", include("workstreams.urls")),
    path("organisations/", include(organisation_patterns)),
    path("", include("discharge.urls")),
    path("", include("actionplan.urls")),
    path("", include("api.urls")),
    path("api/v1/", api_urls),
]

handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
