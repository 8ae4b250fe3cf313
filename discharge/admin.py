from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from discharge.models import DischargeAlert, DischargeFollowUp, PharmacyOpeningHours


@admin.register(DischargeFollowUp)
class DischargeFollowUpAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "trust", "care_home", "pharmacy", "state", "received_at")
    list_filter = ("state", "channel")
    search_fields = ("reference",)
    raw_id_fields = (
        "care_home",
        "trust",
        "pharmacy",
        "pcn",
        "misrouted_from",
        "duplicate_of",
        "onward_visit",
    )

    def has_delete_permission(self, request, obj=None):
        return False  # nothing is ever deleted


@admin.register(PharmacyOpeningHours)
class PharmacyOpeningHoursAdmin(SimpleHistoryAdmin):
    list_display = ("pharmacy", "weekday", "opens_at", "closes_at")
    raw_id_fields = ("pharmacy",)


@admin.register(DischargeAlert)
class DischargeAlertAdmin(admin.ModelAdmin):
    list_display = ("follow_up", "kind", "raised_at", "sent_at", "attempts")
    raw_id_fields = ("follow_up",)
