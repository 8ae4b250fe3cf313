"""Assignments: add one (from a home's page or a person's), hand the named lead over, end one."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_POST

from carehomes import services
from carehomes.forms import AssignmentForm, EndAssignmentForm, HandOverForm, StaffAssignmentForm
from carehomes.models import Assignment, CareHome
from carehomes.views.homes import home_response
from carehomes.views.staff import staff_response
from config.forms import add_service_errors
from organisations.access import require
from organisations.models import StaffMember
from organisations.permissions import Permission


@require_POST
def assignment_add(request, pk):
    home = get_object_or_404(CareHome, pk=pk)
    require(request.user, Permission.ADD_ASSIGNMENT, home)
    form = AssignmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assignment_create(
                by=request.user,
                care_home=home,
                staff=data["staff"],
                role=data["role"],
                hours_per_week=data["hours_per_week"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            notice = f"{assignment.staff.name} is now {'the named lead' if assignment.role == 'lead' else 'support'} for {home.name}."
            return home_response(request, home.pk, notice=notice)
    return home_response(request, home.pk, status=400, assign_form=form)


@require_POST
def lead_hand_over(request, pk):
    home = get_object_or_404(CareHome, pk=pk)
    require(request.user, Permission.CHANGE_ASSIGNMENT, home)
    form = HandOverForm(request.POST, prefix="handover")
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.lead_hand_over(
                by=request.user,
                care_home=home,
                staff=data["staff"],
                hours_per_week=data["hours_per_week"],
                starts_on=data["starts_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            notice = f"{assignment.staff.name} is now the named lead for {home.name}."
            return home_response(request, home.pk, notice=notice)
    return home_response(request, home.pk, status=400, handover_form=form)


@require_POST
def assignment_end(request, pk):
    assignment = get_object_or_404(Assignment.objects.select_related("staff", "care_home"), pk=pk)
    require(request.user, Permission.CHANGE_ASSIGNMENT, assignment)
    form = EndAssignmentForm(request.POST, prefix=f"end-{pk}")
    from_staff = request.POST.get("from") == "staff"
    if form.is_valid():
        try:
            services.assignment_end(
                by=request.user, assignment=assignment, ends_on=form.cleaned_data["ends_on"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            notice = (
                f"{assignment.staff.name}'s assignment to {assignment.care_home.name} ends on "
                f"{form.cleaned_data['ends_on']:%-d %B %Y}."
            )
            if from_staff:
                return staff_response(request, assignment.staff_id, notice=notice)
            return home_response(request, assignment.care_home_id, notice=notice)
    if from_staff:
        return staff_response(request, assignment.staff_id, status=400, end_form=form, end_form_pk=pk)
    return home_response(request, assignment.care_home_id, status=400, end_form=form, end_form_pk=pk)


@require_POST
def staff_assign(request, pk):
    require(request.user, Permission.VIEW_STAFF)
    require(request.user, Permission.ADD_ASSIGNMENT)
    member = get_object_or_404(StaffMember, pk=pk)
    form = StaffAssignmentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assignment = services.assignment_create(
                by=request.user,
                care_home=data["care_home"],
                staff=member,
                role=data["role"],
                hours_per_week=data["hours_per_week"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            notice = (
                f"{member.name} is now {'the named lead' if assignment.role == 'lead' else 'support'} "
                f"for {assignment.care_home.name}."
            )
            return staff_response(request, member.pk, notice=notice)
    return staff_response(request, member.pk, status=400, assign_form=form)
