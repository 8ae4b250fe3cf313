from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from carehomes.models import (
    Assignment,
    CareHome,
    CareHomeState,
    OrganisationHours,
    Specialism,
    Visit,
    VisitDayTotal,
)
from config.admin import NoAddOrChangeAdmin, ReadOnlyAdmin


@admin.register(Specialism)
class SpecialismAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name",)


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ("staff",)


@admin.register(CareHome)
class CareHomeAdmin(SimpleHistoryAdmin):
    list_display = (
        "name",
        "cqc_location_id",
        "postcode",
        "locality",
        "beds",
        "home_type",
        "pcn",
        "registration_status",
        "outbreak_status",
    )
    list_filter = ("locality", "home_type", "registration_status", "outbreak_status", "specialisms")
    search_fields = ("name", "cqc_location_id", "postcode", "address")
    autocomplete_fields = ("pcn", "practice")
    filter_horizontal = ("specialisms",)
    list_select_related = ("pcn",)
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("staff", "care_home", "role", "hours_per_week", "starts_on", "ends_on")
    list_filter = ("role", "starts_on", "ends_on")
    search_fields = ("staff__name", "care_home__name", "care_home__cqc_location_id")
    autocomplete_fields = ("staff", "care_home")
    list_select_related = ("staff", "care_home")
    date_hierarchy = "starts_on"


@admin.register(Visit)
class VisitAdmin(SimpleHistoryAdmin):
    list_display = (
        "care_home",
        "staff",
        "visited_on",
        "mode",
        "residents_reviewed",
        "minutes_spent",
        "is_cover",
    )
    list_filter = ("mode", "is_cover", "activity_smr", "visited_on")
    search_fields = ("care_home__name", "staff__name")
    autocomplete_fields = ("care_home", "staff")
    list_select_related = ("care_home", "staff")
    date_hierarchy = "visited_on"
    readonly_fields = ("submission_token", "created_by")


@admin.register(CareHomeState)
class CareHomeStateAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: the state is kept by the writers and checked nightly, never edited by hand."""

    list_display = ("care_home", "last_visited_on", "lead_staff", "lead_ends_on", "valid_until")
    search_fields = ("care_home__name",)
    list_select_related = ("care_home", "lead_staff")


@admin.register(VisitDayTotal)
class VisitDayTotalAdmin(NoAddOrChangeAdmin, admin.ModelAdmin):
    """Read-only: the visit list's day totals are kept by the visit writers and checked nightly."""

    list_display = ("visited_on", "activity", "mode", "is_cover", "visits", "minutes")
    list_filter = ("mode", "is_cover")
    date_hierarchy = "visited_on"


@admin.register(OrganisationHours)
class OrganisationHoursAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: each organisation's hour totals are kept by the writers and checked nightly."""

    list_display = ("organisation", "staff_count", "available_hours", "assigned_hours", "pcn_home_count")
    search_fields = ("organisation__name",)
