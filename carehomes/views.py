"""Care homes, staff, assignments, visits and gaps: thin views over services and selectors."""

from django.shortcuts import get_object_or_404

from carehomes.models import CareHome, Visit
from config.placeholders import placeholder
from organisations.access import require, requires
from organisations.models import StaffMember


@requires("carehomes.view_carehome")
def carehome_list(request):
    return placeholder(
        request,
        "Care homes",
        "The city's care homes and who supports them.",
        [
            "search by name, postcode or CQC ID",
            "filters by locality, PCN, type and specialism",
            "each home's named lead, days since the last visit and gaps",
        ],
    )


def carehome_detail(request, pk):
    care_home = get_object_or_404(CareHome, pk=pk)
    require(request.user, "carehomes.view_carehome", care_home)
    return placeholder(
        request,
        care_home.name,
        f"{care_home.address} {care_home.postcode}",
        [
            "the home's details and outbreak status",
            "current and past assignments",
            "recent visits",
            "open gaps",
        ],
    )


@requires("carehomes.import_carehomes")
def carehome_import(request):
    return placeholder(
        request,
        "Import the CQC care directory",
        "Bring the care-home register up to date from the CQC's published files.",
        [
            "a file upload",
            "a preview of new, changed, unchanged and skipped homes",
            "every error with its row",
        ],
    )


@requires("carehomes.view_my_care_homes")
def my_care_homes(request):
    return placeholder(
        request,
        "My care homes",
        "The care homes you support.",
        ["your current homes with days since the last visit", "open gaps and outbreak status", "Log a visit"],
    )


@requires("carehomes.view_staff")
def staff_list(request):
    return placeholder(
        request,
        "Staff",
        "Pharmacists and technicians working with care homes.",
        ["filters by organisation, sector, role and spare hours", "hours available, assigned and spare"],
    )


def staff_detail(request, pk):
    require(request.user, "carehomes.view_staff")
    member = get_object_or_404(StaffMember, pk=pk)
    return placeholder(
        request, member.name, member.get_role_display(), ["their care homes", "their recent visits"]
    )


@requires("carehomes.list_visits")
def visit_list(request):
    return placeholder(
        request,
        "Visits",
        "Visits to care homes.",
        ["filters by home, dates and activity", "totals", "export as CSV and Excel"],
    )


@requires("carehomes.add_visit")
def visit_create(request):
    return placeholder(request, "Log a visit", "Record a visit to a care home.", ["the visit form"])


def visit_edit(request, pk):
    visit = get_object_or_404(Visit, pk=pk)
    require(request.user, "carehomes.change_visit", visit)
    return placeholder(request, "Change a visit", str(visit), ["the visit form"])
