from django.urls import path, register_converter

from actionplan import report_views, views


class IsoWeekConverter:
    regex = r"\d{4}-W\d{2}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(IsoWeekConverter, "isoweek")

app_name = "actionplan"

urlpatterns = [
    path("action-plan/", views.action_plan, name="index"),
    path("action-plan/export/", views.action_plan_export, name="export"),
    path("action-plan/actions/new/", views.action_create, name="action_create"),
    path("action-plan/owners/lookup/", views.owner_lookup, name="owner_lookup"),
    path("action-plan/actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("action-plan/actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("action-plan/actions/<int:pk>/close/", views.action_close, name="action_close"),
    path("action-plan/actions/<int:pk>/reopen/", views.action_reopen, name="action_reopen"),
    path("action-plan/actions/<int:pk>/updates/new/", views.actionupdate_create, name="actionupdate_create"),
    path("action-plan/meetings/", views.meeting_list, name="meeting_list"),
    path("action-plan/sections/new/", views.section_create, name="section_create"),
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/generate/", report_views.report_generate, name="report_generate"),
    path("reports/<isoweek:week>/", report_views.report_detail, name="report_detail"),
    path("reports/<isoweek:week>.pdf", report_views.report_pdf, name="report_pdf"),
    path("reports/<isoweek:week>.docx", report_views.report_docx, name="report_docx"),
    path("reports/<isoweek:week>.xlsx", report_views.report_xlsx, name="report_xlsx"),
    path("charts/<str:digest>.png", report_views.chart, name="chart"),
    path("staff/<int:pk>/subject-access.json", views.subject_access_download, name="subject_access"),
]
