"""The Leeds demo city: a Leeds-sized health system with a year of care-home pharmacy work.

Organisations of the seed story, 19 PCNs and their practices, about 150 care homes, 70+
pharmacists and technicians from every sector, the SLT and the operational team, assignments
with some deliberate gaps, a year of visits, workstreams, requests for help and the Silver
Command action plan. Four demo logins (and an `admin` superuser) share `settings.DEMO_PASSWORD`.
The fixed names and texts are in `demo_data.json`.

Everything comes from one seeded random generator and from dates counted back from the day it
runs, so two runs on the same day build the same city. `build_demo_city` is all or nothing (one
transaction); `demo_present` says whether it has already run, so that running it twice changes
nothing. Bulk-created rows (assignments, visits) skip `full_clean()`, so they are valid by
construction: at most one open lead per home, assigned hours within available hours (bar the one
deliberate over-capacity case), residents reviewed within beds, no numbers in the notes.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from carehomes.hours_state import organisation_hours_rebuild
from carehomes.state import carehome_state_rebuild
from carehomes.visits.totals import visit_totals_rebuild
from discharge.day_counts import day_counts_rebuild
from nonprod.demo.city import DEMO_LOGINS, DemoCity
from organisations.models import Organisation

MARKER_ODS_CODE = "RR8"  # Leeds Teaching Hospitals: present once the demo city has been built
DEFAULT_PASSWORD = "carehomes-demo"  # noqa: S105 - the published demo default, as settings.py


@dataclass(frozen=True)
class SignIn:
    username: str
    role: str
    who: str = ""


def demo_password():
    return getattr(settings, "DEMO_PASSWORD", DEFAULT_PASSWORD) or DEFAULT_PASSWORD


def demo_present():
    """True when the demo city has already been built in this database."""
    return Organisation.objects.filter(ods_code=MARKER_ODS_CODE).exists()


def clashing_logins():
    """Demo usernames (other than `admin`) already taken, which would stop the demo city being built."""
    wanted = [username for username in DEMO_LOGINS if username != "admin"]
    return sorted(get_user_model().objects.filter(username__in=wanted).values_list("username", flat=True))


def demo_sign_ins():
    """The demo logins that exist, with who they are."""
    users = get_user_model().objects.filter(username__in=list(DEMO_LOGINS)).select_related("staff_member")
    by_username = {user.username: user for user in users}
    sign_ins = []
    for username, role in DEMO_LOGINS.items():
        user = by_username.get(username)
        if user is None:
            continue
        member = getattr(user, "staff_member", None)
        who = f"{member.name}, {member.get_role_display().lower()}, {member.organisation}" if member else ""
        sign_ins.append(SignIn(username=username, role=role, who=who))
    return sign_ins


def build_demo_city(*, today=None, password=None):
    """Build the whole demo city in one transaction and return a summary of what was made."""
    city = DemoCity(today=today or timezone.localdate(), password=password or demo_password())
    with transaction.atomic():
        city.build()
        # Assignments and visits were bulk-created (no signals): keep every home's state now.
        carehome_state_rebuild()
        organisation_hours_rebuild()
        visit_totals_rebuild()
        day_counts_rebuild()
    return city.summary()


def repair_demo_city():
    """What a demo city built by an older `seed_demo` lacks, added in place: the discharge follow-ups'
    stored deadlines (and the day counts that count them). Returns how many follow-ups it filled."""
    from config.freshness import data_changed
    from nonprod.demo.discharge import fill_missing_deadlines

    with transaction.atomic():
        filled = fill_missing_deadlines()
        if filled:
            day_counts_rebuild()
            data_changed()
    return filled
