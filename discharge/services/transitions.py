"""The moves of a follow-up through its states: the pharmacy's work, merging, reopening and the
trust's readmission answer. Each locks the row, checks who may act and whether the state machine
allows the move now (`_common.begin`), changes what the move changes, and saves with the reason."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from discharge import states
from discharge.models import ISSUES, PARTICIPANTS, CloseReason, DischargeFollowUp, Readmitted
from discharge.services._common import begin, clean_note, codes, save
from discharge.states import State, Transition
from organisations.models import Organisation
from organisations.permissions import Permission


@transaction.atomic
def followup_acknowledge(*, by, follow_up) -> DischargeFollowUp:
    """The pharmacy says it has the referral: this stops the "lost" clock."""
    follow_up = begin(follow_up, by=by, transition=Transition.ACKNOWLEDGE)
    follow_up.state = State.ACKNOWLEDGED
    follow_up.acknowledged_at = timezone.now()
    return save(follow_up, by=by, reason="Acknowledged")


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
    follow_up = begin(follow_up, by=by, transition=transition)
    issues = codes(issues, ISSUES, "issues", "the issues found")
    participants = codes(participants, PARTICIPANTS, "participants", "who took part")
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
    return save(follow_up, by=by, reason=f"Stage {stage} done", note=note)


def _close(follow_up, *, by, state, close_reason, reason, note):
    follow_up.state = state
    follow_up.close_reason = close_reason
    follow_up.closed_at = timezone.now()
    return save(follow_up, by=by, reason=reason, note=note)


@transaction.atomic
def followup_close_complete(*, by, follow_up, note="") -> DischargeFollowUp:
    """Close a follow-up whose three stages are done."""
    follow_up = begin(follow_up, by=by, transition=Transition.CLOSE_COMPLETE)
    return _close(
        follow_up, by=by, state=State.CLOSED_COMPLETE, close_reason="", reason="Closed: complete", note=note
    )


@transaction.atomic
def followup_close_partial(*, by, follow_up, reason, note="") -> DischargeFollowUp:
    """Close a follow-up that cannot be completed, with the reason (readmitted, died, moved, ...)."""
    follow_up = begin(follow_up, by=by, transition=Transition.CLOSE_PARTIAL)
    if reason not in CloseReason.values:
        raise ValidationError({"reason": "Choose why the follow-up could not be completed."})
    if reason == CloseReason.READMITTED:
        follow_up.readmitted = Readmitted.YES
    return _close(
        follow_up,
        by=by,
        state=State.CLOSED_PARTIAL,
        close_reason=reason,
        reason=f"Closed: partial ({CloseReason(reason).label.lower()})",
        note=note,
    )


@transaction.atomic
def followup_hold(*, by, follow_up, note="") -> DischargeFollowUp:
    """Put a follow-up on hold (e.g. the resident is away); it returns to where it was."""
    follow_up = begin(follow_up, by=by, transition=Transition.HOLD)
    follow_up.held_from = follow_up.state
    follow_up.state = State.ON_HOLD
    return save(follow_up, by=by, reason="On hold", note=note)


@transaction.atomic
def followup_resume(*, by, follow_up) -> DischargeFollowUp:
    follow_up = begin(follow_up, by=by, transition=Transition.RESUME)
    follow_up.state = follow_up.held_from or State.ACKNOWLEDGED
    follow_up.held_from = ""
    return save(follow_up, by=by, reason="Taken off hold")


@transaction.atomic
def followup_redirect(*, by, follow_up, pharmacy, note="") -> DischargeFollowUp:
    """Send a misrouted follow-up to the right pharmacy: never rejected, its clock starts again there."""
    follow_up = begin(follow_up, by=by, transition=Transition.REDIRECT)
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
    return save(follow_up, by=by, reason=f"Redirected from {previous} to {pharmacy}", note=note)


@transaction.atomic
def followup_merge(*, by, follow_up, into) -> DischargeFollowUp:
    """Mark a follow-up as a duplicate of another (kept, never deleted; the other is the one to track)."""
    follow_up = begin(follow_up, by=by, transition=Transition.MERGE, permission=Permission.MERGE_FOLLOWUP)
    if into is None or into.pk == follow_up.pk:
        raise ValidationError({"into": "Choose the other follow-up this one duplicates."})
    if into.state == State.DUPLICATE:
        into = into.duplicate_of
    if into.trust_id != follow_up.trust_id or into.care_home_id != follow_up.care_home_id:
        raise ValidationError({"into": "A duplicate must be from the same trust, for the same care home."})
    follow_up.state = State.DUPLICATE
    follow_up.duplicate_of = into
    follow_up.closed_at = timezone.now()
    return save(follow_up, by=by, reason=f"Merged into {into.reference}")


@transaction.atomic
def followup_reopen(*, by, follow_up, reason) -> DischargeFollowUp:
    """Reopen a closed follow-up, saying why; it carries on from the next stage not done."""
    follow_up = begin(follow_up, by=by, transition=Transition.REOPEN, permission=Permission.REOPEN_FOLLOWUP)
    reason = clean_note(reason, field="reason")
    if not reason:
        raise ValidationError({"reason": "Give the reason for reopening, for example 'closed by mistake'."})
    follow_up.state = State.REOPENED
    follow_up.reopen_reason = reason
    follow_up.closed_at = None
    follow_up.close_reason = ""
    return save(follow_up, by=by, reason=f"Reopened: {reason}")


@transaction.atomic
def followup_report_readmission(*, by, follow_up, readmitted) -> DischargeFollowUp:
    """The trust reports whether the resident was readmitted within 30 days (closed follow-ups only)."""
    follow_up = begin(follow_up, by=by, permission=Permission.REPORT_READMISSION)
    if follow_up.state not in states.CLOSED_STATES:
        raise ValidationError({"readmitted": "Readmissions are reported on closed follow-ups only."})
    if readmitted not in Readmitted.values:
        raise ValidationError({"readmitted": "Choose yes, no or unknown."})
    follow_up.readmitted = readmitted
    return save(follow_up, by=by, reason=f"Readmitted within 30 days: {Readmitted(readmitted).label.lower()}")
