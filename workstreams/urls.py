from django.urls import path

from workstreams import views

app_name = "workstreams"

organisation_patterns = (
    [
        path("", views.organisation_list, name="list"),
        path("mine/", views.my_organisation, name="mine"),
        path("<int:pk>/", views.organisation_detail, name="detail"),
    ],
    "organisations",
)

urlpatterns = [
    path("workstreams/", views.workstream_list, name="list"),
    path("workstreams/<int:pk>/", views.workstream_detail, name="detail"),
    path("help-requests/", views.request_list, name="request_list"),
]
