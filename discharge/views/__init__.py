"""Discharge pages: the follow-ups (list, page, actions, recording, upload, reports) and a
pharmacy's opening hours."""

from discharge.views.followups import (
    followup_act,
    followup_create,
    followup_detail,
    followup_list,
    followup_mine,
    followup_upload,
    followup_upload_confirm,
    report_download,
    report_list,
)
from discharge.views.lookups import care_home_lookup_view
from discharge.views.opening_hours import pharmacy_opening_hours, pharmacy_opening_hours_default

__all__ = [
    "care_home_lookup_view",
    "followup_act",
    "followup_create",
    "followup_detail",
    "followup_list",
    "followup_mine",
    "followup_upload",
    "followup_upload_confirm",
    "pharmacy_opening_hours",
    "pharmacy_opening_hours_default",
    "report_download",
    "report_list",
]
