from django.urls import include, path

from carehomes import views

app_name = "carehomes"

urlpatterns = [
    path("care-homes/", views.carehome_list, name="list"),
    path("care-homes/import/", views.carehome_import, name="import"),
    path("care-homes/import/confirm/", views.carehome_import_confirm, name="import_confirm"),
    path("care-homes/fill-gaps/", views.fill_gaps, name="fill_gaps"),
    path("care-homes/<int:pk>/", views.carehome_detail, name="detail"),
    path("care-homes/<int:pk>/assignments/", views.assignment_add, name="assignment_add"),
    path("care-homes/<int:pk>/hand-over/", views.lead_hand_over, name="lead_hand_over"),
    path("care-homes/<int:pk>/outbreak/", views.carehome_outbreak, name="outbreak"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/import/", views.staff_import, name="staff_import"),
    path("staff/import/confirm/", views.staff_import_confirm, name="staff_import_confirm"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/assignments/", views.staff_assign, name="staff_assign"),
    path("staff/<int:pk>/leave/", views.staff_leave, name="staff_leave"),
    # My care homes and visits (issue 4): mine, visit_list, visit_create, visit_edit, ...
    path("", include("carehomes.visits.urls")),
]
