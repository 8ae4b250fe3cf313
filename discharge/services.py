"""Every write a person can make to a discharge follow-up: one function per use case.

Each takes `by=` (the acting user), checks permission inside, runs in a transaction with the row
locked, and leaves a history row saying who, when and why. Nothing is ever deleted: a duplicate is
merged (kept, pointing at the one to track), a misrouted follow-up is redirected, not rejected.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from discharge import states
from discharge.models import (
    ISSUES,
    PARTICIPANTS,
    REASONS,
    CloseReason,
    DischargeFollowUp,
    PharmacyOpeningHours,
    Readmitted,
    validate_note,
)
from discharge.states import State, Transition
from organisations.access import is_coordinator, organisation_ids_for, require
from organisations.models import Organisation
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
            f"discharged on {existing.discharged_on:%-d %B %Y} ({existing.get_channel_display()})."
        )
        self.existing = existing


def _codes(values, known, field, label):
    values = list(values or [])
    unknown = set(values) - set(known)
    if unknown:
        raise ValidationError({field: f"Choose {label} from the list."})
    return values


def _save(follow_up, *, by, reason=""):
    follow_up.full_clean()
    follow_up._history_user = by
    follow_up._change_reason = reason
    follow_up.save()
    return follow_up


def _locked(follow_up):
    return (
        DischargeFollowUp.objects.select_for_update()
        .select_related("care_home", "pharmacy", "trust")
        .get(pk=follow_up.pk)
    )


def _note(note):
    note = (note or "").strip()
    if note:
        try:
            validate_note(note)
        except ValidationError as error:
            raise ValidationError({"note": error.messages}) from error
    return note


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
    reasons = _codes(reasons, REASONS, "reasons", "the reasons")
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
        note=_note(note),
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
            _save(follow_up, by=by, reason="Recorded")
    except IntegrityError as error:
        existing = DischargeFollowUp.objects.filter(trust=trust, reference=reference).first()
        if existing is None:
            raise
        raise DuplicateReference(existing) from error
    if merge_with is not None:
        follow_up = followup_merge(by=by, follow_up=follow_up, into=merge_with)
    return follow_up


@transaction.atomic
def followup_acknowledge(*, by, follow_up) -> DischargeFollowUp:
    """The pharmacy says it has the referral: this stops the "lost" clock."""
    follow_up = _locked(follow_up)
    require(by, Permission.WORK_FOLLOWUP, follow_up)
    states.check(follow_up, Transition.ACKNOWLEDGE)
    follow_up.state = State.ACKNOWLEDGED
    follow_up.acknowledged_at = timezone.now()
    return _save(follow_up, by=by, reason="Acknowledged")


STAGES = {
    1: (Transition.STAGE1, "stage1_at", State.STAGE1),
    2: (Transition.STAGE2, "stage2_at", State.STAGE2),
    3: (Transition.STAGE3, "stage3_at", State.STAGE3),
}


@transaction.atomic
def followup_record_stage(
    *, by, follow_up, stage, issues=(), participants=(), onward_referral=None, note=""
) -> DischargeFollowUp:
    """Record DMS stage 1 (discharge information checked), 2 (first new prescription checked) or 3
    (the conversation with care-home staff, and the resident or family where possible).

    Coded issues may be recorded at any stage (they add up); stage 3 says who took part and whether
    the resident is referred to the PCN for a structured medication review.
    """
    if stage not in STAGES:
        raise ValidationError({"stage": "Choose stage 1, 2 or 3."})
    transition, field, state = STAGES[stage]
    follow_up = _locked(follow_up)
    require(by, Permission.WORK_FOLLOWUP, follow_up)
    states.check(follow_up, transition)
    issues = _codes(issues, ISSUES, "issues", "the issues found")
    participants = _codes(participants, PARTICIPANTS, "participants", "who took part")
    if stage == 3 and not participants:
        raise ValidationError({"participants": "Choose who took part in the conversation."})
    for code in issues:
        setattr(follow_up, f"issue_{code}", True)
    if stage == 3:
        for code in PARTICIPANTS:
            setattr(follow_up, f"with_{code}", code in participants)
        follow_up.onward_referral = bool(onward_referral)
    setattr(follow_up, field, timezone.now())
    if follow_up.acknowledged_at is None:
        follow_up.acknowledged_at = getattr(follow_up, field)
    follow_up.state = state
    note = _note(note)
    if note:
        follow_up.note = note
    return _save(follow_up, by=by, reason=f"Stage {stage} done")


@transaction.atomic
def followup_close_complete(*, by, follow_up, note="") -> DischargeFollowUp:
    """Close a follow-up whose three stages are done."""
    follow_up = _locked(follow_up)
    require(by, Permission.WORK_FOLLOWUP, follow_up)
    states.check(follow_up, Transition.CLOSE_COMPLETE)
    follow_up.state = State.CLOSED_COMPLETE
    follow_up.close_reason = ""
    follow_up.closed_at = timezone.now()
    note = _note(note)
    if note:
        follow_up.note = note
    return _save(follow_up, by=by, reason="Closed: complete")


@transaction.atomic
def followup_close_partial(*, by, follow_up, reason, note="") -> DischargeFollowUp:
    """Close a follow-up that cannot be completed, with the reason (readmitted, died, moved, ...)."""
    follow_up = _locked(follow_up)
    require(by, Permission.WORK_FOLLOWUP, follow_up)
    states.check(follow_up, Transition.CLOSE_PARTIAL)
    if reason not in CloseReason.values:
        raise ValidationError({"reason": "Choose why the follow-up could not be completed."})
    follow_up.state = State.CLOSED_PARTIAL
    follow_up.close_reason = reason
    follow_up.closed_at = timezone.now()
    if reason == CloseReason.READMITTED:
        follow_up.readmitted = Readmitted.YES
    note = _note(note)
    if note:
        follow_up.note = note
    return _save(follow_up, by=by, reason=f"Closed: partial ({CloseReason(reason).label.lower()})")


@transaction.atomic
def followup_hold(*, by, follow_up, note="") -> DischargeFollowUp:
    """Put a follow-up on hold (e.g. the resident is away); it returns to where it was."""
    follow_up = _locked(follow_up)
    require(by, Permission.WORK_FOLLOWUP, follow_up)
    states.check(follow_up, Transition.HOLD)
    follow_up.held_from = follow_up.state
    follow_up.state = State.ON_HOLD
    note = _note(note)
    if note:
        follow_up.note = note
    return _save(follow_up, by=by, reason="On hold")


@transaction.atomic
def followup_resume(*, by, follow_up) -> DischargeFollowUp:
    follow_up = _locked(follow_up)
    require(by, Permission.WORK_FOLLOWUP, follow_up)
    states.check(follow_up, Transition.RESUME)
    follow_up.state = follow_up.held_from or State.ACKNOWLEDGED
    follow_up.held_from = ""
    return _save(follow_up, by=by, reason="Taken off hold")


@transaction.atomic
def followup_redirect(*, by, follow_up, pharmacy, note="") -> DischargeFollowUp:
    """Send a misrouted follow-up to the right pharmacy: never rejected, its clock starts again there."""
    follow_up = _locked(follow_up)
    require(by, Permission.WORK_FOLLOWUP, follow_up)
    states.check(follow_up, Transition.REDIRECT)
    if pharmacy is None or pharmacy.kind != Organisation.Kind.COMMUNITY_PHARMACY:
        raise ValidationError({"pharmacy": "Choose the community pharmacy that should receive it."})
    if pharmacy.pk == follow_up.pharmacy_id:
        raise ValidationError({"pharmacy": "Choose a different pharmacy from the one it is with now."})
    if follow_up.misrouted_from_id is None:
        follow_up.misrouted_from_id = follow_up.pharmacy_id
    previous = follow_up.pharmacy
    follow_up.pharmacy = pharmacy
    follow_up.state = State.EXPECTED
    follow_up.acknowledged_at = None
    follow_up.routed_at = timezone.now()
    note = _note(note)
    if note:
        follow_up.note = note
    return _save(follow_up, by=by, reason=f"Redirected from {previous} to {pharmacy}")


@transaction.atomic
def followup_merge(*, by, follow_up, into) -> DischargeFollowUp:
    """Mark a follow-up as a duplicate of another (kept, never deleted; the other is the one to track)."""
    follow_up = _locked(follow_up)
    require(by, Permission.MERGE_FOLLOWUP, follow_up)
    states.check(follow_up, Transition.MERGE)
    if into is None or into.pk == follow_up.pk:
        raise ValidationError({"into": "Choose the other follow-up this one duplicates."})
    if into.state == State.DUPLICATE:
        into = into.duplicate_of
    if into.trust_id != follow_up.trust_id or into.care_home_id != follow_up.care_home_id:
        raise ValidationError({"into": "A duplicate must be from the same trust, for the same care home."})
    follow_up.state = State.DUPLICATE
    follow_up.duplicate_of = into
    follow_up.closed_at = timezone.now()
    return _save(follow_up, by=by, reason=f"Merged into {into.reference}")


@transaction.atomic
def followup_reopen(*, by, follow_up, reason) -> DischargeFollowUp:
    """Reopen a closed follow-up, saying why; it carries on from the next stage not done."""
    follow_up = _locked(follow_up)
    require(by, Permission.REOPEN_FOLLOWUP, follow_up)
    states.check(follow_up, Transition.REOPEN)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for reopening, for example 'closed by mistake'."})
    try:
        validate_note(reason)
    except ValidationError as error:
        raise ValidationError({"reason": error.messages}) from error
    follow_up.state = State.REOPENED
    follow_up.reopen_reason = reason
    follow_up.closed_at = None
    follow_up.close_reason = ""
    return _save(follow_up, by=by, reason=f"Reopened: {reason}")


@transaction.atomic
def followup_report_readmission(*, by, follow_up, readmitted) -> DischargeFollowUp:
    """The trust reports whether the resident was readmitted within 30 days (closed follow-ups only)."""
    follow_up = _locked(follow_up)
    require(by, Permission.REPORT_READMISSION, follow_up)
    if follow_up.state not in states.CLOSED_STATES:
        raise ValidationError({"readmitted": "Readmissions are reported on closed follow-ups only."})
    if readmitted not in Readmitted.values:
        raise ValidationError({"readmitted": "Choose yes, no or unknown."})
    follow_up.readmitted = readmitted
    return _save(
        follow_up, by=by, reason=f"Readmitted within 30 days: {Readmitted(readmitted).label.lower()}"
    )


@transaction.atomic
def followup_close_onward_referral(*, by, follow_up, visit=None) -> DischargeFollowUp:
    """The PCN team has done the structured medication review the pharmacy referred the resident for."""
    follow_up = _locked(follow_up)
    require(by, Permission.CLOSE_ONWARD_REFERRAL, follow_up)
    if not follow_up.onward_referral or follow_up.onward_closed_at is not None:
        raise ValidationError("This follow-up has no open onward referral.")
    follow_up.onward_closed_at = timezone.now()
    follow_up.onward_visit = visit
    return _save(follow_up, by=by, reason="Onward medication review done")


def onward_referrals_closed_by_visit(*, visit, by):
    """A logged visit with a post-discharge review closes the home's open onward referrals.

    Only referrals made before the visit was logged, and only those the visitor may close.
    """
    if not visit.activity_post_discharge_review or by is None:
        return []
    closed = []
    candidates = DischargeFollowUp.objects.filter(
        care_home_id=visit.care_home_id,
        onward_referral=True,
        onward_closed_at__isnull=True,
        stage3_at__date__lte=visit.visited_on,
    ).order_by("pk")
    for follow_up in candidates:
        if by.has_perm(Permission.CLOSE_ONWARD_REFERRAL, follow_up):
            closed.append(followup_close_onward_referral(by=by, follow_up=follow_up, visit=visit))
    return closed


@transaction.atomic
def pharmacy_set_opening_hours(*, by, pharmacy, sessions) -> list[PharmacyOpeningHours]:
    """Replace a pharmacy's weekly opening hours: `sessions` is [(weekday, opens_at, closes_at), ...].

    An empty list means "not recorded": the overdue timer then counts Monday to Saturday 9 to 6.
    Old sessions are kept in the history.
    """
    require(by, Permission.CHANGE_OPENING_HOURS)
    if pharmacy.kind != Organisation.Kind.COMMUNITY_PHARMACY:
        raise ValidationError({"pharmacy": "Opening hours are kept for community pharmacies only."})
    if not is_coordinator(by) and pharmacy.pk not in organisation_ids_for(by):
        raise PermissionDenied
    for row in PharmacyOpeningHours.objects.select_for_update().filter(pharmacy=pharmacy):
        row._history_user = by
        row.delete()
    made = []
    for weekday, opens_at, closes_at in sessions:
        row = PharmacyOpeningHours(pharmacy=pharmacy, weekday=weekday, opens_at=opens_at, closes_at=closes_at)
        row.full_clean()
        row._history_user = by
        row.save()
        made.append(row)
    return made
