"""The care-home look-up of the discharge form: what a trust's discharge team may find.

A trust team records where a resident went back to, but may not see the care-home pages (their
leads, visits, gaps). So this look-up answers only what a discharge needs, a home's name, town
and postcode (and its CQC location ID, the key the form reads back), for the homes a resident can
be discharged to: every home of the hub's area (the care-home table is the hub's area) that is
not deregistered. A home missing from the latest CQC file is still offered: it may still be open.
"""

from carehomes.forms import HUB_KEY
from carehomes.models import CareHome
from carehomes.selectors import homes_matching


def care_home_lookup(*, search):
    """Homes a resident may be discharged to whose name contains, or CQC ID or postcode starts
    with, `search` (two characters at least); at most `carehomes.selectors.LOOKUP_LIMIT`, by name."""
    return homes_matching(
        CareHome.objects.exclude(registration_status=CareHome.Registration.DEREGISTERED),
        search=search,
    )


def care_home_lookup_text(home):
    """ "Larch Court, Leeds, LS6 2AB (1-101234567)": name, town, postcode, then the key in brackets."""
    key = home.cqc_location_id or f"{HUB_KEY} {home.pk}"
    return f"{home.name}, {home.locality}, {home.postcode} ({key})"
