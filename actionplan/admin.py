from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from actionplan.models import Action, ActionPlan, ActionUpdate, ChartImage, GapReport, Meeting, Section
from config.admin import NoAddOrChangeAdmin


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "plan", "position")
    list_filter = ("plan",)
    search_fields = ("name", "code")


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "section", "owner_organisation", "owner", "due_on", "rag", "is_open")
    list_filter = ("section", "rag", "is_open", "owner_organisation")
    search_fields = ("description", "owner__name", "owner_organisation__name")
    autocomplete_fields = ("owner", "owner_organisation", "workstream")
    list_select_related = ("section", "owner", "owner_organisation")
    readonly_fields = ("number", "version")
    inlines = [ActionUpdateInline]

    def save_model(self, request, obj, form, change):
        if not obj.number:
            last = Action.objects.filter(section=obj.section).order_by("-number").first()
            obj.number = (last.number if last else 0) + 1
        super().save_model(request, obj, form, change)


@admin.register(ActionUpdate)
class ActionUpdateAdmin(admin.ModelAdmin):
    list_display = ("action", "written_on", "rag", "author")
    list_filter = ("rag", "written_on")
    search_fields = ("text", "action__description")
    list_select_related = ("action__section", "author")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("held_on", "title")
    date_hierarchy = "held_on"


@admin.register(GapReport)
class GapReportAdmin(admin.ModelAdmin):
    list_display = ("week", "version", "is_current", "generated_at", "generated_by")
    list_filter = ("is_current",)
    search_fields = ("week",)
    readonly_fields = ("week", "version", "is_current", "generated_at", "generated_by", "data")


@admin.register(ChartImage)
class ChartImageAdmin(NoAddOrChangeAdmin, admin.ModelAdmin):
    """Read-only: charts are drawn by the pages that show them, never edited."""

    list_display = ("digest", "created_at")
    search_fields = ("digest",)
    exclude = ("png",)
