from django.urls import path

from discharge import views

app_name = "discharge"

urlpatterns = [
    path("discharges/", views.followup_list, name="list"),
    path("discharges/mine/", views.followup_mine, name="mine"),
    path("discharges/new/", views.followup_create, name="create"),
    path("discharges/upload/", views.followup_upload, name="upload"),
    path("discharges/upload/confirm/", views.followup_upload_confirm, name="upload_confirm"),
    path("discharges/<int:pk>/", views.followup_detail, name="detail"),
    path("discharges/<int:pk>/<slug:action>/", views.followup_act, name="act"),
]
