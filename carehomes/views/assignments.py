"""Assignments: add one (from a home's page or a person's), hand the named lead over, end one."""

import datetime
from functools import partial

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from carehomes import selectors, services
from carehomes.assignment_forms import AssignmentForm, EndAssignmentForm, HandOverForm, StaffAssignmentForm
from carehomes.models import Assignment, CareHome
from carehomes.views.homes import answer_form, answer_home_form, home_response
from carehomes.views.staff import staff_response
from config.dates import uk_date
from config.forms import answer_write
from config.rendering import found_or_404, redirect_with_notice
from organisations.access import require
from organisations.models import StaffMember
from organisations.permissions import Permission


def _who_is_now_what(assignment):
    role = "the named lead" if assignment.role == Assignment.Role.LEAD else "support"
    return f"{assignment.staff.name} is now {role} for {assignment.care_home.name}."


@require_POST
def assignment_add(request, pk):
    return answer_home_form(
        request,
        pk,
        Permission.ADD_ASSIGNMENT,
        lambda home: AssignmentForm(request.POST, care_home=home),
        services.assignment_create,
        form_name="assign_form",
        notice=_who_is_now_what,
    )


@require_POST
def lead_hand_over(request, pk):
    home = get_object_or_404(CareHome, pk=pk)
    require(request.user, Permission.CHANGE_ASSIGNMENT, home)
    form = HandOverForm(request.POST, prefix="handover", care_home=home)
    if form.is_valid() and request.POST.get("confirmed") != "yes":
        return _hand_over_confirmation(request, home, form.cleaned_data)
    return answer_form(
        form,
        lambda data: services.lead_hand_over(by=request.user, care_home=home, **data),
        partial(home_response, request, home.pk),
        form_name="handover_form",
        notice=_who_is_now_what,
    )


def _hand_over_confirmation(request, home, data):
    """ "Hand the lead for X to Y?": who stops, who starts, from when; the same answers posted again."""
    current, _past = selectors.carehome_assignments(home)
    leads = [a for a in current if a.role == Assignment.Role.LEAD]
    answers = [
        (k, v)
        for k, values in request.POST.lists()
        if k not in ("csrfmiddlewaretoken", "confirmed")
        for v in values
    ]
    return render(
        request,
        "carehomes/hand_over_confirm.jinja",
        {
            "page_title": f"Hand the lead for {home.name} to {data['staff'].name}?",
            "home": home,
            "data": data,
            "leads": leads,
            "last_day": data["starts_on"] - datetime.timedelta(days=1),
            "answers": answers,
        },
    )


def _assignment_or_404(pk):
    return found_or_404(selectors.assignment_detail, pk=pk)


@require_http_methods(["GET", "POST"])
def assignment_end(request, pk):
    """ "End this assignment?": what will happen, the last day chosen here, then the change."""
    assignment = _assignment_or_404(pk)
    require(request.user, Permission.CHANGE_ASSIGNMENT, assignment)
    from_staff = (request.POST if request.method == "POST" else request.GET).get("from") == "staff"
    back = (
        reverse("carehomes:staff_detail", args=[assignment.staff_id])
        if from_staff
        else reverse("carehomes:detail", args=[assignment.care_home_id])
    )
    form = EndAssignmentForm(request.POST if request.method == "POST" else None)
    return answer_write(
        form,
        lambda data: services.assignment_end(by=request.user, assignment=assignment, ends_on=data["ends_on"]),
        # the success banner is at the top of the page it goes back to, and takes focus
        done=lambda ended: redirect_with_notice(
            request,
            f"{assignment.staff.name}'s assignment to {assignment.care_home.name} ends on {uk_date(ended.ends_on)}.",
            back,
        ),
        refused=lambda: render(
            request,
            "carehomes/assignment_end.jinja",
            {
                "page_title": f"End {assignment.staff.name}'s assignment to {assignment.care_home.name}?",
                "assignment": assignment,
                "form": form,
                "back": back,
                "from_page": "staff" if from_staff else "home",
            },
            status=400 if form.errors else 200,
        ),
    )


@require_POST
def staff_assign(request, pk):
    require(request.user, Permission.VIEW_STAFF)
    require(request.user, Permission.ADD_ASSIGNMENT)
    member = get_object_or_404(StaffMember, pk=pk)
    return answer_form(
        StaffAssignmentForm(request.POST, staff=member),
        lambda data: services.assignment_create(by=request.user, staff=member, **data),
        partial(staff_response, request, member.pk),
        form_name="assign_form",
        notice=_who_is_now_what,
    )
