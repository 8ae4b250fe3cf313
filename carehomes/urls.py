from django.urls import include, path

from carehomes.views import assignments, fill_gaps, homes, imports, lookups, staff

app_name = "carehomes"

urlpatterns = [
    path("care-homes/", homes.carehome_list, name="list"),
    path("care-homes/import/", imports.carehome_import, name="import"),
    path("care-homes/import/confirm/", imports.carehome_import_confirm, name="import_confirm"),
    path("care-homes/add/", homes.carehome_add, name="add"),
    path("care-homes/lookup/", lookups.home_lookup, name="home_lookup"),
    path("care-homes/fill-gaps/", fill_gaps.fill_gaps, name="fill_gaps"),
    path("care-homes/<int:pk>/", homes.carehome_detail, name="detail"),
    path("care-homes/<int:pk>/edit/", homes.carehome_edit, name="edit"),
    path("care-homes/<int:pk>/assignments/", assignments.assignment_add, name="assignment_add"),
    path("care-homes/<int:pk>/hand-over/", assignments.lead_hand_over, name="lead_hand_over"),
    path("care-homes/<int:pk>/outbreak/", homes.carehome_outbreak, name="outbreak"),
    path(
        "care-homes/<int:pk>/supplying-pharmacy/",
        homes.carehome_supplying_pharmacy,
        name="supplying_pharmacy",
    ),
    path("assignments/<int:pk>/end/", assignments.assignment_end, name="assignment_end"),
    path("staff/", staff.staff_list, name="staff_list"),
    path("staff/lookup/", lookups.staff_lookup, name="staff_lookup"),
    path("staff/import/", imports.staff_import, name="staff_import"),
    path("staff/import/confirm/", imports.staff_import_confirm, name="staff_import_confirm"),
    path("staff/<int:pk>/", staff.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/assignments/", assignments.staff_assign, name="staff_assign"),
    path("staff/<int:pk>/leave/", staff.staff_leave, name="staff_leave"),
    # My care homes and visits (issue 4): mine, visit_list, visit_create, visit_edit, ...
    path("", include("carehomes.visits.urls")),
]
