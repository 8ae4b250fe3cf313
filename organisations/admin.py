from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from config.admin import NoAddOrChangeAdmin, ReadOnlyAdmin
from organisations.models import EngagementNote, ImportRun, Membership, Organisation, StaffMember, Team


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "ods_code",
        "kind",
        "sector",
        "parent",
        "locality",
        "engagement",
        "committed_hours",
        "is_active",
    )
    list_filter = ("kind", "sector", "is_active", "engagement", "locality")
    search_fields = ("name", "ods_code")
    autocomplete_fields = ("parent", "clinical_director")


@admin.register(StaffMember)
class StaffMemberAdmin(SimpleHistoryAdmin):
    list_display = ("name", "role", "organisation", "gphc_number", "hours_per_week", "funding", "is_active")
    list_filter = ("role", "is_active", "funding", "organisation__sector")
    search_fields = ("name", "gphc_number", "email", "organisation__name", "user__username")
    autocomplete_fields = ("organisation", "second_organisation", "user")
    list_select_related = ("organisation",)


# Seats grant roles: they are given and taken on the Teams page, whose service checks who may
# seat whom and tells the SLT (organisations/services.py). Here they are only read.
class MembershipInline(ReadOnlyAdmin, admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind")
    search_fields = ("name",)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    list_display = ("staff", "team", "organisation", "role")
    list_filter = ("team", "role")
    search_fields = ("staff__name", "organisation__name")
    autocomplete_fields = ("staff", "organisation", "team")
    list_select_related = ("staff", "team", "organisation")


@admin.register(EngagementNote)
class EngagementNoteAdmin(SimpleHistoryAdmin):
    list_display = ("pcn", "held_on", "with_whom", "recorded_by")
    list_filter = ("held_on",)
    search_fields = ("pcn__name", "with_whom", "summary")
    autocomplete_fields = ("pcn",)
    list_select_related = ("pcn", "recorded_by")


@admin.register(ImportRun)
class ImportRunAdmin(NoAddOrChangeAdmin, admin.ModelAdmin):
    """Import runs are a record: read them, never change them by hand."""

    list_display = (
        "started_at",
        "source",
        "via",
        "outcome",
        "file_name",
        "rows",
        "created",
        "updated",
        "closed",
    )
    list_filter = ("source", "via", "outcome")
    search_fields = ("file_name", "file_hash")
    list_select_related = ("by",)
