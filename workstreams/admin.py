from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from workstreams.models import ProgressNote, SupportOffer, SupportRequest, Workstream


class ProgressNoteInline(admin.TabularInline):
    model = ProgressNote
    extra = 0


@admin.register(Workstream)
class WorkstreamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "lead_organisation", "lead", "status")
    list_filter = ("status", "lead_organisation")
    search_fields = ("name", "description")
    autocomplete_fields = ("lead_organisation", "lead")
    filter_horizontal = ("participating_organisations", "care_homes")
    inlines = [ProgressNoteInline]


class SupportOfferInline(admin.TabularInline):
    model = SupportOffer
    extra = 0
    autocomplete_fields = ("staff", "organisation")
    exclude = ("assignments",)


@admin.register(SupportRequest)
class SupportRequestAdmin(SimpleHistoryAdmin):
    list_display = ("title", "organisation", "hours_per_week", "needed_by", "urgency", "status")
    list_filter = ("status", "urgency", "locality")
    search_fields = ("title", "details", "skills", "organisation__name")
    autocomplete_fields = ("organisation",)
    filter_horizontal = ("care_homes",)
    list_select_related = ("organisation",)
    inlines = [SupportOfferInline]


@admin.register(SupportOffer)
class SupportOfferAdmin(SimpleHistoryAdmin):
    list_display = ("request", "organisation", "staff", "hours_per_week", "starts_on", "status")
    list_filter = ("status",)
    search_fields = ("request__title", "staff__name", "organisation__name")
    autocomplete_fields = ("request", "organisation", "staff")
    list_select_related = ("request", "organisation", "staff")


@admin.register(ProgressNote)
class ProgressNoteAdmin(admin.ModelAdmin):
    list_display = ("workstream", "written_on", "author")
    list_filter = ("written_on",)
    search_fields = ("text", "workstream__name")
    list_select_related = ("workstream", "author")
