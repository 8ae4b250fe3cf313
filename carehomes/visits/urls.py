"""Visit pages, included by carehomes/urls.py so their names stay in the "carehomes" namespace."""

from django.urls import path, re_path

from carehomes.visits import views

urlpatterns = [
    path("my-care-homes/", views.my_care_homes, name="mine"),
    path("visits/", views.visit_list, name="visit_list"),
    re_path(r"^visits/export\.(?P<extension>csv|xlsx)$", views.visit_export, name="visit_export"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/delete/", views.visit_delete, name="visit_delete"),
]
