from django.urls import path

from carehomes import views

app_name = "carehomes"

urlpatterns = [
    path("care-homes/", views.carehome_list, name="list"),
    path("care-homes/import/", views.carehome_import, name="import"),
    path("care-homes/<int:pk>/", views.carehome_detail, name="detail"),
    path("my-care-homes/", views.my_care_homes, name="mine"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("visits/", views.visit_list, name="visit_list"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
]
