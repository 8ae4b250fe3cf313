from django.urls import path, re_path

from discharge import views

app_name = "discharge"

urlpatterns = [
    path("discharges/", views.followup_list, name="list"),
    path("discharges/mine/", views.followup_mine, name="mine"),
    path("discharges/new/", views.followup_create, name="create"),
    path("discharges/care-homes/lookup/", views.care_home_lookup_view, name="care_home_lookup"),
    path("discharges/upload/", views.followup_upload, name="upload"),
    path("discharges/upload/confirm/", views.followup_upload_confirm, name="upload_confirm"),
    path("discharges/reports/", views.report_list, name="reports"),
    re_path(
        r"^discharges/reports/(?P<trust>\d+)/(?P<month>\d{4}-\d{2})\.(?P<extension>pdf|docx|xlsx)$",
        views.report_download,
        name="report",
    ),
    path(
        "discharges/pharmacies/<int:pk>/opening-hours/",
        views.pharmacy_opening_hours,
        name="opening_hours",
    ),
    path(
        "discharges/pharmacies/<int:pk>/opening-hours/default/",
        views.pharmacy_opening_hours_default,
        name="opening_hours_default",
    ),
    path("discharges/<int:pk>/", views.followup_detail, name="detail"),
    path("discharges/<int:pk>/<slug:action>/", views.followup_act, name="act"),
]
