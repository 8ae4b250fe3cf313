from django.urls import path

from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("dashboard/", views.index, name="index"),
    path("gaps/", views.gap_list, name="gaps"),
    path("search/", views.search, name="search"),
]
