"""What needs a pharmacist now: their homes due a visit (a week before the 28-day gap) and outbreaks."""

from django.urls import reverse
from django.utils import timezone

from config.presenters import Need, days_ago, plural, uk_date

DUE_A_VISIT_DAYS = 21


def pharmacist_needs(homes, today=None):
    """From the homes on "My care homes" (already loaded): no need for another query."""
    today = today or timezone.localdate()
    due = [
        h for h in homes if h.last_visited_on is None or (today - h.last_visited_on).days >= DUE_A_VISIT_DAYS
    ]
    outbreaks = [h for h in homes if h.in_outbreak]
    return [
        Need(
            len(due),
            f"{plural(len(due), 'home')} with no visit in {DUE_A_VISIT_DAYS} days",
            f"#home-{due[0].pk}" if due else "#",
            [
                {
                    "text": h.name,
                    "href": f"#home-{h.pk}",
                    "hint": f"last visited {days_ago(h.last_visited_on)}"
                    if h.last_visited_on
                    else "never visited",
                }
                for h in due
            ],
        ),
        Need(
            len(outbreaks),
            f"{plural(len(outbreaks), 'home')} in an outbreak",
            f"#home-{outbreaks[0].pk}" if outbreaks else "#",
            [
                {
                    "text": h.name,
                    "href": reverse("carehomes:detail", args=[h.pk]),
                    "hint": f"{h.get_outbreak_status_display().lower()} since {uk_date(h.outbreak_started_on)}",
                }
                for h in outbreaks
            ],
        ),
    ]
