from django.urls import include, path

from organisations import views

team_patterns = (
    [
        path("", views.team_list, name="list"),
        path("<int:pk>/", views.team_detail, name="detail"),
        path("<int:pk>/members/", views.membership_add, name="membership_add"),
        path("<int:pk>/members/lookup/", views.member_lookup, name="member_lookup"),
        path("members/<int:pk>/end/", views.membership_end, name="membership_end"),
    ],
    "teams",
)

import_patterns = (
    [
        path("", views.import_list, name="list"),
        path("<int:pk>/", views.import_detail, name="detail"),
        path("ods/", views.ods_upload, name="ods_upload"),
        path("ods/confirm/", views.ods_upload_confirm, name="ods_upload_confirm"),
        path("trusts/<int:pk>/kind/", views.trust_kind, name="trust_kind"),
    ],
    "imports",
)

urlpatterns = [path("teams/", include(team_patterns)), path("imports/", include(import_patterns))]
