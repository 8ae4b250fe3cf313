from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import views
from workstreams.urls import organisation_patterns

urlpatterns = [
    path("", views.home, name="home"),
    path("no-role/", views.no_role, name="no_role"),
    path("health/", views.health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="registration/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("dashboard.urls")),
    path("", include("carehomes.urls")),
    path("", include("organisations.urls")),
    path("", include("workstreams.urls")),
    path("organisations/", include(organisation_patterns)),
    path("", include("discharge.urls")),
    path("", include("actionplan.urls")),
]

handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
