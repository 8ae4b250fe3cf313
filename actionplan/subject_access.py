"""A subject access request: everything the hub holds about one person, as one file (issue 13 §8).

A selector over every app that records people: the staff record and its history, the login and
its sign-in records, assignments, visits, team seats, offers of their time, requests for help,
progress notes, actions they own and action updates they wrote.
"""

from axes.models import AccessFailureLog
from django.utils import timezone

from actionplan.models import Action, ActionUpdate
from carehomes.models import Assignment, Visit
from organisations.models import Membership, StaffMember
from workstreams.models import ProgressNote, SupportOffer, SupportRequest


def _rows(queryset, *fields):
    return [dict(zip(fields, values, strict=True)) for values in queryset.values_list(*fields)]


def staff_for_subject_access(*, pk) -> StaffMember:
    """The person a subject access request is about (raises StaffMember.DoesNotExist)."""
    return StaffMember.objects.select_related("user", "organisation", "second_organisation").get(pk=pk)


def subject_access_data(*, staff: StaffMember) -> dict:
    """Everything about `staff` (and their login), as plain data ready for JSON."""
    user = staff.user
    data = {
        "prepared_at": timezone.now().isoformat(),
        "staff_member": {
            "name": staff.name,
            "role": staff.get_role_display(),
            "gphc_number": staff.gphc_number,
            "organisation": staff.organisation.name,
            "second_organisation": staff.second_organisation.name if staff.second_organisation else None,
            "funded_by": staff.get_funding_display(),
            "hours_per_week": staff.hours_per_week,
            "active": staff.is_active,
            "left_on": staff.left_on,
        },
        "staff_record_history": _rows(
            staff.history.order_by("history_date"),
            "history_date",
            "history_type",
            "history_change_reason",
            "history_user__username",
            "name",
            "role",
            "hours_per_week",
            "is_active",
        ),
        "assignments": _rows(
            Assignment.objects.filter(staff=staff).order_by("starts_on"),
            "care_home__name",
            "role",
            "hours_per_week",
            "starts_on",
            "ends_on",
        ),
        "visits": _rows(
            Visit.objects.filter(staff=staff).order_by("visited_on", "pk"),
            "care_home__name",
            "visited_on",
            "mode",
            "minutes_spent",
            "residents_reviewed",
            "escalation_summary",
            "notes",
            "is_cover",
        ),
        "team_seats": _rows(
            Membership.objects.filter(staff=staff), "team__name", "organisation__name", "role"
        ),
        "offers_of_their_time": _rows(
            SupportOffer.objects.filter(staff=staff),
            "request__title",
            "hours_per_week",
            "starts_on",
            "status",
            "note",
        ),
        "actions_owned": _rows(Action.objects.filter(owner=staff), "number", "description", "due_on", "rag"),
        "login": None,
    }
    if user is not None:
        data["login"] = {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "active": user.is_active,
            "roles": list(user.groups.values_list("name", flat=True)),
        }
        data["failed_sign_ins"] = _rows(
            AccessFailureLog.objects.filter(username=user.username).order_by("attempt_time"),
            "attempt_time",
            "ip_address",
            "user_agent",
        )
        data["requests_for_help_raised"] = _rows(
            SupportRequest.objects.filter(raised_by=user), "title", "details", "created_at", "status"
        )
        data["progress_notes_written"] = _rows(
            ProgressNote.objects.filter(author=user), "workstream__name", "written_on", "text"
        )
        data["action_updates_written"] = _rows(
            ActionUpdate.objects.filter(author=user), "action__number", "written_on", "text"
        )
    return data
