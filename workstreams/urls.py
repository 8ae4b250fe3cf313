from django.urls import path

from workstreams.views import help_requests, organisations, workstreams

app_name = "workstreams"

organisation_patterns = (
    [
        path("", organisations.organisation_list, name="list"),
        path("mine/", organisations.my_organisation, name="mine"),
        path("<int:pk>/", organisations.organisation_detail, name="detail"),
        path("<int:pk>/engagement/", organisations.engagement_update, name="engagement"),
        path("<int:pk>/conversations/", organisations.engagement_note_add, name="engagement_note"),
        path("<int:pk>/staff/new/", organisations.staff_add, name="staff_add"),
        path("<int:pk>/staff/<int:staff_pk>/hours/", organisations.staff_hours, name="staff_hours"),
    ],
    "organisations",
)

urlpatterns = [
    path("workstreams/", workstreams.workstream_list, name="list"),
    path("workstreams/new/", workstreams.workstream_create, name="create"),
    path("workstreams/leads/lookup/", workstreams.lead_lookup, name="lead_lookup"),
    path("workstreams/<int:pk>/", workstreams.workstream_detail, name="detail"),
    path("workstreams/<int:pk>/edit/", workstreams.workstream_edit, name="edit"),
    path("workstreams/<int:pk>/notes/", workstreams.progress_note_add, name="note_add"),
    path("help-requests/", help_requests.request_list, name="request_list"),
    path("help-requests/new/", help_requests.request_create, name="request_create"),
    path(
        "help-requests/organisations/<int:pk>/homes/",
        help_requests.request_home_lookup,
        name="request_home_lookup",
    ),
    path("help-requests/<int:pk>/", help_requests.request_detail, name="request_detail"),
    path("help-requests/<int:pk>/offer/", help_requests.offer_create, name="offer_create"),
    path("help-requests/<int:pk>/offer/people/", help_requests.offer_staff_lookup, name="offer_staff_lookup"),
    path("help-requests/<int:pk>/withdraw/", help_requests.request_withdraw, name="request_withdraw"),
    path("help-requests/offers/<int:pk>/accept/", help_requests.offer_accept, name="offer_accept"),
    path("help-requests/offers/<int:pk>/decline/", help_requests.offer_decline, name="offer_decline"),
]
