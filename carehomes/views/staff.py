"""Staff: the list with capacity used and available, and one person's page with their assignments."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from carehomes import selectors
from carehomes.assignment_forms import StaffAssignmentForm
from carehomes.forms import StaffFilterForm, StaffLeaveForm
from carehomes.views.homes import assignments_response
from config.forms import answer_write
from config.pagination import paginate
from config.rendering import found_or_404, redirect_with_notice
from organisations.access import may, require, requires
from organisations.permissions import Permission
from organisations.services import staff_member_leave


@requires(Permission.VIEW_STAFF)
def staff_list(request):
    form = StaffFilterForm(request.GET or None, organisations=selectors.staff_filter_choices())
    staff = selectors.staff_list(user=request.user, **form.selector_kwargs())
    page, pagination = paginate(request, staff, rows=selectors.staff_rows)
    return render(
        request,
        "carehomes/staff_list.jinja",
        {
            "page_title": "Staff",
            "form": form,
            "page": page,
            "pagination": pagination,
            "can_import": may(request.user, Permission.IMPORT_STAFF),
        },
    )


def staff_context(request, member, **forms):
    current, past = selectors.staff_assignments(member)
    can_assign = may(request.user, Permission.ADD_ASSIGNMENT)
    context = {
        "page_title": member.name,
        "member": member,
        "current": current,
        "past": past,
        "visits": selectors.staff_recent_visits(member),
        "history": selectors.staff_history(member),
        "can_assign": can_assign,
        "today": timezone.localdate(),
        "notice": forms.get("notice"),
    }
    if can_assign:
        context["assign_form"] = forms.get("assign_form") or StaffAssignmentForm()
    return context


def _member_or_404(pk):
    return found_or_404(selectors.staff_detail, pk=pk)


def staff_detail(request, pk):
    require(request.user, Permission.VIEW_STAFF)
    member = _member_or_404(pk)
    return render(request, "carehomes/staff_detail.jinja", staff_context(request, member))


def staff_response(request, staff_pk, *, notice=None, status=200, **forms):
    """After a write on a person's page (see `assignments_response`)."""
    return assignments_response(
        request,
        url=reverse("carehomes:staff_detail", args=[staff_pk]),
        template="carehomes/staff_detail.jinja",
        context=lambda notice: staff_context(
            request, selectors.staff_detail(pk=staff_pk), notice=notice, **forms
        ),
        notice=notice,
        status=status,
    )


def staff_leave(request, pk):
    """The project manager records that someone has left: their sign-in, sessions and tokens end."""
    require(request.user, Permission.CHANGE_STAFFMEMBER)
    member = _member_or_404(pk)
    form = StaffLeaveForm(request.POST or None)
    context = {"page_title": f"{member.name} has left", "member": member, "form": form}
    return answer_write(
        form,
        lambda data: staff_member_leave(by=request.user, staff=member, left_on=data["left_on"]),
        done=lambda _: redirect_with_notice(
            request,
            f"{member.name} has left. Their sign-in, sessions and API tokens have ended.",
            "carehomes:staff_detail",
            pk=pk,
        ),
        refused=lambda: render(
            request, "carehomes/staff_leave.jinja", context, status=400 if request.method == "POST" else 200
        ),
    )
