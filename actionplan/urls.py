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
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/<isoweek:week>/", report_views.report_detail, name="report_detail"),
]
