from django.urls import path

from workstreams import views

app_name = "workstreams"

organisation_patterns = (
    [
        path("", views.organisation_list, name="list"),
        path("mine/", views.my_organisation, name="mine"),
        path("<int:pk>/", views.organisation_detail, name="detail"),
        path("<int:pk>/engagement/", views.engagement_update, name="engagement"),
        path("<int:pk>/conversations/", views.engagement_note_add, name="engagement_note"),
    ],
    "organisations",
)

urlpatterns = [
    path("workstreams/", views.workstream_list, name="list"),
    path("workstreams/new/", views.workstream_create, name="create"),
    path("workstreams/<int:pk>/", views.workstream_detail, name="detail"),
    path("workstreams/<int:pk>/edit/", views.workstream_edit, name="edit"),
    path("workstreams/<int:pk>/notes/", views.progress_note_add, name="note_add"),
    path("help-requests/", views.request_list, name="request_list"),
    path("help-requests/new/", views.request_create, name="request_create"),
    path("help-requests/<int:pk>/", views.request_detail, name="request_detail"),
    path("help-requests/<int:pk>/offer/", views.offer_create, name="offer_create"),
    path("help-requests/<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("help-requests/offers/<int:pk>/accept/", views.offer_accept, name="offer_accept"),
    path("help-requests/offers/<int:pk>/decline/", views.offer_decline, name="offer_decline"),
]
