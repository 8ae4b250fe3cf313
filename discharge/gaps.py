"""The discharge gap rules, registered with the care-home gap machinery (`carehomes.gaps`).

- a home that received a discharge in the last `GAP_RECENT_DAYS` (14) days that has not been
  followed up (closed complete or partial);
- a trust that referred care-home residents before and has sent nothing in `DROP_OFF_DAYS` (28)
  days: a drop-off;
- a registered home whose supplying pharmacy is not recorded (follow-ups have nowhere to go).

Five queries in all, whatever the number of homes or follow-ups, each reading an index: the open
recent follow-ups through a partial index of the open ones, each trust's latest referral through
(trust, received_at).
"""

import datetime

from django.conf import settings
from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils import timezone

from carehomes.gaps import HIGH, LOW, MEDIUM, Gap, Rule, register_gap_source
from carehomes.gaps.rules import gap_key, not_known, sql_gap_key
from carehomes.models import CareHome
from config.dates import uk_date
from config.querysets import by_code_point
from discharge.models import FINISHED_STATE_VALUES, DischargeFollowUp
from discharge.selectors import referring_trust_ids
from organisations.models import Organisation

NOT_FOLLOWED_UP = Rule(
    "discharge_not_followed_up", "Discharge not yet followed up", HIGH, "Chase the pharmacy"
)
TRUST_DROP_OFF = Rule("discharge_trust_drop_off", "Trust has stopped referring", MEDIUM, "Talk to the trust")
NO_SUPPLYING_PHARMACY = Rule(
    "no_supplying_pharmacy", "No supplying pharmacy recorded", LOW, "Record the home's pharmacy"
)
DISCHARGE_RULES = (NOT_FOLLOWED_UP, TRUST_DROP_OFF, NO_SUPPLYING_PHARMACY)


def _midnight(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def _days(since, today):
    return (today - since).days


def _about_home(home):
    """What a gap about a care home says of the home (from a `values()` row), for the list's filters."""
    return {
        "care_home_id": home["pk"],
        "care_home_name": home["name"],
        "pcn_id": home["pcn_id"],
        "pcn_name": home["pcn__name"] or "",
        "locality": home["locality"],
        "organisation_ids": [i for i in (home["pcn_id"],) if i],
    }


def _recent_open(homes, since, until):
    """Follow-ups received in the window and still open, read through `followup_open_received_idx`."""
    recent = DischargeFollowUp.objects.filter(received_at__gte=since, received_at__lt=until).exclude(
        state__in=FINISHED_STATE_VALUES
    )
    return recent.filter(care_home__in=homes) if homes is not None else recent


def _not_followed_up(homes, since, until, today, only=None):
    """Homes with follow-ups received since `since` still open: one index-only aggregate over the open
    ones (partial index `followup_open_received_idx`), then the names of just those homes.
    `only`: just these homes' gaps (a page of the list)."""
    config = settings.DISCHARGE
    recent = _recent_open(homes, since, until)
    if only is not None:
        recent = recent.filter(care_home_id__in=only)
    counts = {
        row["care_home_id"]: row
        for row in recent.values("care_home_id")
        .annotate(open=Count("*"), oldest=Min("received_at"))
        .order_by()
    }
    rows = CareHome.objects.filter(pk__in=recent.values("care_home_id")).values(
        "pk", "name", "pcn_id", "pcn__name", "locality"
    )
    gaps = []
    for home in sorted(rows, key=lambda h: (h["name"], h["pk"])):
        row = counts[home["pk"]]
        oldest = row["oldest"].astimezone(since.tzinfo).date()
        count = row["open"]
        gaps.append(
            Gap(
                NOT_FOLLOWED_UP,
                f"{home['name']} has {count} discharge{'s' if count != 1 else ''} from the last "
                f"{config['GAP_RECENT_DAYS']} days not yet followed up (the oldest received "
                f"{_days(oldest, today)} days ago).",
                **_about_home(home),
            )
        )
    return gaps


def _dropped_trusts(until, today):
    """Trusts whose latest referral is older than `DROP_OFF_DAYS`: the latest per trust by index."""
    cutoff = _midnight(today - datetime.timedelta(days=settings.DISCHARGE["DROP_OFF_DAYS"]))
    trust_ids = referring_trust_ids()
    latest = (
        DischargeFollowUp.objects.filter(trust=OuterRef("pk"), received_at__lt=until)
        .order_by("-received_at")
        .values("received_at")[:1]
    )
    return (
        Organisation.objects.filter(pk__in=trust_ids).annotate(last=Subquery(latest)).filter(last__lt=cutoff)
    )


def _drop_offs(until, today):
    config = settings.DISCHARGE
    trusts = _dropped_trusts(until, today).order_by("name").values("pk", "name", "locality", "last")
    gaps = []
    for row in trusts:
        last = timezone.localtime(row["last"]).date()
        gaps.append(
            Gap(
                TRUST_DROP_OFF,
                f"{row['name']} has sent no discharge referral for a care-home resident for "
                f"{_days(last, today)} days (the last on {uk_date(last)}); the rule is "
                f"{config['DROP_OFF_DAYS']} days.",
                subject_name=row["name"],
                locality=row["locality"],
                organisation_ids=[row["pk"]],
            )
        )
    return gaps


def _without_pharmacy(homes):
    return (homes if homes is not None else CareHome.objects.all()).filter(
        Q(supplying_pharmacy__isnull=True), registration_status=CareHome.Registration.REGISTERED
    )


def _no_supplying_pharmacy(homes, only=None):
    without = _without_pharmacy(homes)
    if only is not None:
        without = without.filter(pk__in=only)
    return [
        Gap(
            NO_SUPPLYING_PHARMACY,
            f"{home['name']} has no supplying pharmacy recorded, so discharge follow-ups have no default "
            "pharmacy to go to.",
            **_about_home(home),
        )
        for home in sorted(
            without.values("pk", "name", "pcn_id", "pcn__name", "locality"),
            key=lambda h: (h["name"], h["pk"]),
        )
    ]


def _window(today):
    since = _midnight(today - datetime.timedelta(days=settings.DISCHARGE["GAP_RECENT_DAYS"]))
    return since, _midnight(today + datetime.timedelta(days=1))


def discharge_gaps(*, homes=None, today):
    """The three discharge rules' gaps: five queries, whatever the number of homes or follow-ups."""
    since, until = _window(today)
    return [
        *_not_followed_up(homes, since, until, today),
        *_drop_offs(until, today),
        *_no_supplying_pharmacy(homes),
    ]


# Paged at the source (`carehomes.gaps.GapList`): a page of the gap list builds only its gaps. -----


def _open_homes(homes, today):
    since, until = _window(today)
    return CareHome.objects.filter(pk__in=_recent_open(homes, since, until).values("care_home_id"))


def _home_gap_homes(code, homes, today):
    """The homes with this rule's gap (a queryset, unordered)."""
    return _open_homes(homes, today) if code == NOT_FOLLOWED_UP.code else _without_pharmacy(homes)


def discharge_gap_counts(*, homes=None, today):
    """How many gaps of each rule: counted in the database, no home's name read (a page of the
    gap list needs only the counts and its own slice)."""
    since, until = _window(today)
    open_homes = _recent_open(homes, since, until).order_by().values("care_home_id").distinct()
    return {
        NOT_FOLLOWED_UP.code: open_homes.count(),
        NO_SUPPLYING_PHARMACY.code: _without_pharmacy(homes).count(),
        TRUST_DROP_OFF.code: len(_drop_offs(until, today)),
    }


def discharge_gap_page(*, code, homes=None, today, offset, limit):
    """A rule's gaps [offset:offset+limit], in the list's order: by name as Python orders strings
    (by code point, which the "C" collation gives), then id; the slice is chosen in the database."""
    since, until = _window(today)
    if code == TRUST_DROP_OFF.code:
        return sorted(_drop_offs(until, today), key=lambda g: g.subject)[offset : offset + limit]
    ordered = _home_gap_homes(code, homes, today).order_by(by_code_point("name"), "pk")
    chosen = list(ordered.values_list("pk", flat=True)[offset : offset + limit])
    if code == NOT_FOLLOWED_UP.code:
        return _not_followed_up(homes, since, until, today, only=chosen)
    return _no_supplying_pharmacy(homes, only=chosen)


def discharge_gap_keys(*, homes=None, today):
    """(rule, care_home_id, pcn_id) of every discharge gap: ids only, unsorted."""
    found = {
        (code, pk, pcn_id)
        for code in (NOT_FOLLOWED_UP.code, NO_SUPPLYING_PHARMACY.code)
        for pk, pcn_id in _home_gap_homes(code, homes, today).order_by().values_list("pk", "pcn_id")
    }
    return found | {(TRUST_DROP_OFF.code, None, None) for _ in _drop_offs(_window(today)[1], today)}


def discharge_gap_new_count(*, homes=None, today, known):
    """{rule: how many of its gaps (distinct keys, as `discharge_gap_keys`) are not in `known`, the
    last weekly report's keys}. On PostgreSQL counted in the database (`known.subquery`): the open
    follow-ups' homes, and the homes with no pharmacy, whose keys are not known, no id read;
    elsewhere from the keys in Python. The drop-offs share one key (a trust's gap has neither a
    home nor a PCN), so they count one new gap at most."""
    if known.subquery is None:
        return known.new_by_rule(discharge_gap_keys(homes=homes, today=today))
    since, until = _window(today)
    # From the open follow-ups joined to their homes: each key is made only for a home that has one.
    open_key = sql_gap_key(NOT_FOLLOWED_UP.code, "care_home_id", "care_home__pcn_id")
    waiting = _recent_open(homes, since, until).alias(key=open_key).filter(not_known("key", known))
    without = _without_pharmacy(homes).alias(key=sql_gap_key(NO_SUPPLYING_PHARMACY.code, "pk", "pcn_id"))
    found = {
        NOT_FOLLOWED_UP.code: waiting.order_by().values("care_home_id").distinct().count(),
        NO_SUPPLYING_PHARMACY.code: without.filter(not_known("key", known)).count(),
    }
    dropped = _dropped_trusts(until, today).filter(~known.contains(gap_key(TRUST_DROP_OFF.code)))
    found[TRUST_DROP_OFF.code] = int(dropped.exists())
    return found


def register():
    register_gap_source(
        rules=DISCHARGE_RULES,
        collect=discharge_gaps,
        count=discharge_gap_counts,
        page=discharge_gap_page,
        keys=discharge_gap_keys,
        new_count=discharge_gap_new_count,
    )
