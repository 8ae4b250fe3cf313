"""Workstreams, requests for help and offers, and the organisation pages."""

from django.shortcuts import get_object_or_404, redirect

from config.placeholders import placeholder
from organisations.access import requires, staff_member_for
from organisations.models import Organisation
from workstreams.models import Workstream


@requires("workstreams.view_workstream")
def workstream_list(request):
    return placeholder(
        request,
        "Workstreams",
        "Shared pieces of work across the city's organisations.",
        [
            "each workstream's lead organisation and person",
            "participating organisations and care homes",
            "status and progress notes",
        ],
    )


@requires("workstreams.view_workstream")
def workstream_detail(request, pk):
    workstream = get_object_or_404(Workstream, pk=pk)
    return placeholder(request, workstream.name, workstream.description, ["progress notes", "linked actions"])


@requires("workstreams.view_supportrequest")
def request_list(request):
    return placeholder(
        request,
        "Requests for help",
        "Needs an organisation cannot meet alone, and the staff time others offer.",
        ["open requests with hours, skills, homes and dates", "offers of staff time", "raise a request"],
    )


@requires("organisations.view_organisation")
def organisation_list(request):
    return placeholder(
        request,
        "Organisations",
        "The organisations working together on care-home pharmacy support.",
        ["each organisation's kind and sector", "PCN engagement and committed hours"],
    )


@requires("organisations.view_organisation")
def organisation_detail(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    return placeholder(
        request,
        organisation.name,
        organisation.get_kind_display(),
        ["its staff", "care homes supported", "hours committed", "open requests and offers"],
    )


@requires("workstreams.view_my_organisation")
def my_organisation(request):
    member = staff_member_for(request.user)
    if member is None:
        return placeholder(request, "My organisation", "Your login is not linked to a staff record yet.", [])
    return redirect("organisations:detail", pk=member.organisation_id)
