"""Reads for the workstream pages: the list, one workstream, its history."""

from django.db.models import OuterRef, Prefetch

from carehomes.models import CareHome
from config.history import history_entries, newest
from organisations.models import StaffMember
from workstreams.models import ProgressNote, Workstream
from workstreams.selectors.common import subquery_count


def workstream_list(*, status=None):
    """Workstreams with their lead and how many organisations and homes take part."""
    queryset = Workstream.objects.select_related("lead_organisation", "lead").annotate(
        organisation_count=subquery_count(
            Workstream.participating_organisations.through.objects.filter(workstream=OuterRef("pk")),
            "workstream",
        ),
        home_count=subquery_count(
            Workstream.care_homes.through.objects.filter(workstream=OuterRef("pk")), "workstream"
        ),
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("name")


def workstream_detail(pk):
    """One workstream with its organisations, homes, progress notes and linked actions."""
    return (
        Workstream.objects.select_related("lead_organisation", "lead")
        .prefetch_related(
            "participating_organisations",
            Prefetch("care_homes", queryset=CareHome.objects.select_related("pcn").order_by("name")),
            Prefetch("notes", queryset=ProgressNote.objects.select_related("author")),
            "actions__section",
        )
        .get(pk=pk)
    )


def workstream_history(workstream):
    """Changes to the workstream's own fields, newest first."""
    return history_entries(newest(workstream.history.all()), lambda r: "Workstream")


def lead_candidates():
    """Who may lead a workstream: any active member of staff (of any role), by name."""
    return StaffMember.objects.filter(is_active=True).select_related("organisation").order_by("name", "pk")
