"""Recording a discharge that needs follow-up: duplicates refused with a link, or merged."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.dates import uk_date
from discharge import states
from discharge.models import REASONS, DischargeFollowUp
from discharge.services._common import clean_note, codes, save
from discharge.services.transitions import followup_merge
from organisations.access import require
from organisations.permissions import Permission


class DuplicateReference(Exception):  # noqa: N818 - reads as the situation
    """The trust has already sent a follow-up with this reference: track that one instead."""

    def __init__(self, existing):
        super().__init__(f"This trust already has a follow-up with the reference {existing.reference}.")
        self.existing = existing


class PossibleDuplicate(Exception):  # noqa: N818
    """The same home, trust and discharge date already has an open follow-up (via another channel)."""

    def __init__(self, existing):
        super().__init__(
            f"{existing.trust} already sent a follow-up for a resident of {existing.care_home} "
            f"discharged on {uk_date(existing.discharged_on)} ({existing.get_channel_display()})."
        )
        self.existing = existing


@transaction.atomic
def followup_record(
    *,
    by,
    trust,
    reference,
    channel,
    care_home,
    discharged_on,
    changes_band,
    reasons=(),
    pharmacy=None,
    note="",
    received_at=None,
    merge_with=None,
    not_a_duplicate=False,
) -> DischargeFollowUp:
    """Record a discharge that needs follow-up; the home's supplying pharmacy receives it by default.

    Refuses a reference the trust has used before (DuplicateReference, with the existing follow-up).
    When the same home, trust and discharge date already has an open follow-up through another
    channel, raises PossibleDuplicate unless the caller says it is the same discharge
    (`merge_with`: recorded, and merged into it at once) or a different one (`not_a_duplicate`).
    """
    require(by, Permission.ADD_DISCHARGEFOLLOWUP, trust)
    reasons = codes(reasons, REASONS, "reasons", "the reasons")
    reference = (reference or "").strip()
    existing = DischargeFollowUp.objects.filter(trust=trust, reference__iexact=reference).first()
    if existing is not None:
        raise DuplicateReference(existing)
    if pharmacy is None and care_home is not None:
        pharmacy = care_home.supplying_pharmacy
    if pharmacy is None:
        raise ValidationError(
            {
                "pharmacy": f"{care_home} has no supplying pharmacy recorded. Choose the pharmacy that "
                "should receive this follow-up (and ask the project manager to record the home's pharmacy)."
            }
        )
    if discharged_on and discharged_on > timezone.localdate():
        raise ValidationError({"discharged_on": "The discharge date must be today or in the past."})
    now = timezone.now()
    follow_up = DischargeFollowUp(
        trust=trust,
        reference=reference,
        channel=channel,
        care_home=care_home,
        pharmacy=pharmacy,
        pcn_id=care_home.pcn_id if care_home else None,
        discharged_on=discharged_on,
        changes_band=changes_band,
        received_at=received_at or now,
        routed_at=received_at or now,
        note=clean_note(note),
        created_by=by,
    )
    for code in REASONS:
        setattr(follow_up, f"reason_{code}", code in reasons)
    if not reasons:
        raise ValidationError({"reasons": "Choose at least one reason the resident needs follow-up."})
    if merge_with is None and not not_a_duplicate:
        same = (
            DischargeFollowUp.objects.filter(
                trust=trust, care_home=care_home, discharged_on=discharged_on, state__in=states.OPEN_STATES
            )
            .exclude(channel=channel)
            .first()
        )
        if same is not None:
            raise PossibleDuplicate(same)
    try:
        with transaction.atomic():
            save(follow_up, by=by, reason="Recorded")
    except IntegrityError as error:
        existing = DischargeFollowUp.objects.filter(trust=trust, reference=reference).first()
        if existing is None:
            raise
        raise DuplicateReference(existing) from error
    if merge_with is not None:
        follow_up = followup_merge(by=by, follow_up=follow_up, into=merge_with)
    return follow_up
