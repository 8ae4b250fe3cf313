"""Retention: leavers are anonymised LEAVER_RETENTION_YEARS after they left (issue 13 §8).

Lives in actionplan, the highest app it touches: it scrubs the person's name from the staff
record, its history, and the weekly gap reports kept for ever (whose stored gap reasons name
people, for example "the named lead is over capacity"). Their visits, assignments and hours stay,
pointing at the same (now nameless) record, so every figure and report counts them as before.
"""

import json
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from actionplan.models import GapReport
from organisations.models import StaffMember

log = logging.getLogger("hub.retention")

FORMER_NAME = "Former staff member"


def retention_cut_off(today=None):
    """People who left on or before this day are due to be anonymised."""
    today = today or timezone.localdate()
    years = settings.HUB["LEAVER_RETENTION_YEARS"]
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def leavers_due(today=None):
    """Leavers past the retention period who still carry their name (selector for the task)."""
    return StaffMember.objects.filter(is_active=False, left_on__lte=retention_cut_off(today)).exclude(
        name=FORMER_NAME
    )


def _scrub_reports(name):
    needle = json.dumps(name)[1:-1]  # the name as it appears inside the stored JSON
    replacement = json.dumps(FORMER_NAME)[1:-1]
    changed = 0
    for report in GapReport.objects.filter(data__icontains=name).only("pk", "data").iterator():
        text = json.dumps(report.data)
        if needle in text:
            GapReport.objects.filter(pk=report.pk).update(data=json.loads(text.replace(needle, replacement)))
            changed += 1
    return changed


@transaction.atomic
def leaver_anonymise(*, staff) -> StaffMember:
    """Replace a leaver's name with "Former staff member", clear their GPhC number and contact
    details, remove their login, and scrub their name from their history and past gap reports."""
    staff = StaffMember.objects.select_for_update(of=("self",)).select_related("user").get(pk=staff.pk)
    name = staff.name
    if name == FORMER_NAME:
        return staff
    user = staff.user
    staff.name = FORMER_NAME
    staff.gphc_number = None
    staff.user = None
    staff._change_reason = "Anonymised after the retention period"
    staff.save()
    staff.history.all().update(name=FORMER_NAME, gphc_number=None, user=None)
    if user is not None:
        user.username = f"former-staff-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    reports = _scrub_reports(name)
    log.info("leaver anonymised: staff=%s reports scrubbed=%s", staff.pk, reports)
    return staff


def leavers_anonymise(today=None) -> int:
    """The nightly task's work: every leaver past the retention period, one transaction each."""
    done = 0
    for staff in leavers_due(today).only("pk").iterator():
        leaver_anonymise(staff=staff)
        done += 1
    return done
