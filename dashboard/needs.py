"""What needs me now: the project manager's things to act on, counted and linked, for the top of the gap list.

A fixed handful of queries whatever the size of the city.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from actionplan.models import Action
from carehomes.visits.totals import visit_totals_from_days
from config.presenters import Need, plural
from discharge.selectors import late_counts
from workstreams.models import SupportOffer

COVER_VISIT_DAYS = 7


def project_manager_needs(*, new_gaps, today=None):
    """Offers waiting for a decision, overdue actions, new gaps since last week, cover visits to check.

    `new_gaps`: how many current gaps were not in last week's report, None with no report yet
    (`dashboard.selectors.new_gaps_since_report`)."""
    today = today or timezone.localdate()
    offers = SupportOffer.objects.filter(status=SupportOffer.Status.OFFERED).count()
    overdue = Action.objects.filter(is_open=True, due_on__lt=today).count()
    since = today - datetime.timedelta(days=COVER_VISIT_DAYS)
    cover = visit_totals_from_days(date_from=since, cover=True)["visits"]
    late = late_counts()
    needs = [
        # A lost discharge follow-up can harm a resident: first (issue 15, hazard H1).
        Need(
            late["lost"],
            f"{plural(late['lost'], 'lost discharge follow-up')}: not acknowledged within 1 working day",
            reverse("discharge:list") + "?state=lost",
        ),
        Need(
            late["overdue"],
            f"{plural(late['overdue'], 'overdue discharge follow-up')}: stage 1 not done within 72 opening hours",
            reverse("discharge:list") + "?state=overdue",
        ),
        Need(
            offers,
            f"{plural(offers, 'offer')} of staff time waiting for your decision",
            reverse("workstreams:request_list"),
        ),
        Need(
            overdue,
            f"{plural(overdue, 'overdue action')} in the action plan",
            reverse("actionplan:index") + "?overdue=on",
        ),
    ]
    if new_gaps is not None:
        needs.append(Need(new_gaps, f"{plural(new_gaps, 'new gap')} since last week's report", "#results"))
    needs.append(
        Need(
            cover,
            f"{plural(cover, 'cover visit')} in the last {COVER_VISIT_DAYS} days to check",
            reverse("carehomes:visit_list") + "?" + urlencode({"date_from": since.isoformat()}),
        )
    )
    return needs
