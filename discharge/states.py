"""The states of a discharge follow-up and the transitions between them: a small explicit machine.

    expected → acknowledged → stage 1 done → stage 2 done → stage 3 done → closed complete

Side states: on hold (returns to where it was), duplicate (merged into another follow-up),
closed partial (with a reason), reopened (with a reason; carries on from the next stage not done).
A misrouted follow-up is redirected, never rejected: it goes back to "expected" at the right
pharmacy, and `misrouted_from` keeps where it went first.
"""

from django.core.exceptions import ValidationError
from django.db import models


class State(models.TextChoices):
    EXPECTED = "expected", "Expected"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    STAGE1 = "stage1", "Stage 1 done"
    STAGE2 = "stage2", "Stage 2 done"
    STAGE3 = "stage3", "Stage 3 done"
    CLOSED_COMPLETE = "closed_complete", "Closed: complete"
    CLOSED_PARTIAL = "closed_partial", "Closed: partial"
    ON_HOLD = "on_hold", "On hold"
    DUPLICATE = "duplicate", "Duplicate (merged)"
    REOPENED = "reopened", "Reopened"


CLOSED_STATES = frozenset({State.CLOSED_COMPLETE, State.CLOSED_PARTIAL})
FINISHED_STATES = CLOSED_STATES | {State.DUPLICATE}
OPEN_STATES = frozenset(State) - FINISHED_STATES
WORKING_STATES = OPEN_STATES - {State.ON_HOLD}


class Transition(models.TextChoices):
    ACKNOWLEDGE = "acknowledge", "Acknowledge"
    STAGE1 = "stage1", "Record stage 1: discharge information checked"
    STAGE2 = "stage2", "Record stage 2: first new prescription checked"
    STAGE3 = "stage3", "Record stage 3: the conversation"
    CLOSE_COMPLETE = "close_complete", "Close as complete"
    CLOSE_PARTIAL = "close_partial", "Close as partial"
    HOLD = "hold", "Put on hold"
    RESUME = "resume", "Take off hold"
    REDIRECT = "redirect", "Redirect to another pharmacy"
    MERGE = "merge", "Merge as a duplicate"
    REOPEN = "reopen", "Reopen"


# transition -> (states it may start from, state it leads to; None: decided by the follow-up)
TRANSITIONS = {
    Transition.ACKNOWLEDGE: ({State.EXPECTED}, State.ACKNOWLEDGED),
    Transition.STAGE1: ({State.ACKNOWLEDGED, State.REOPENED}, State.STAGE1),
    Transition.STAGE2: ({State.STAGE1, State.REOPENED}, State.STAGE2),
    Transition.STAGE3: ({State.STAGE2, State.REOPENED}, State.STAGE3),
    Transition.CLOSE_COMPLETE: ({State.STAGE3, State.REOPENED}, State.CLOSED_COMPLETE),
    Transition.CLOSE_PARTIAL: (OPEN_STATES, State.CLOSED_PARTIAL),
    Transition.HOLD: (WORKING_STATES - {State.EXPECTED}, State.ON_HOLD),
    Transition.RESUME: ({State.ON_HOLD}, None),
    Transition.REDIRECT: ({State.EXPECTED, State.ACKNOWLEDGED}, State.EXPECTED),
    Transition.MERGE: (OPEN_STATES, State.DUPLICATE),
    Transition.REOPEN: (CLOSED_STATES, State.REOPENED),
}

# For a reopened follow-up: the stage that must be done before each later one.
STAGE_NEEDS = {
    Transition.STAGE1: None,
    Transition.STAGE2: "stage1_at",
    Transition.STAGE3: "stage2_at",
    Transition.CLOSE_COMPLETE: "stage3_at",
}
STAGE_FIELD = {
    Transition.STAGE1: "stage1_at",
    Transition.STAGE2: "stage2_at",
    Transition.STAGE3: "stage3_at",
}


def allowed(follow_up, transition) -> bool:
    """May this transition start from the follow-up's state (ignoring who asks)?"""
    sources, _ = TRANSITIONS[transition]
    if follow_up.state not in sources:
        return False
    if follow_up.state == State.REOPENED and transition in STAGE_NEEDS:
        needed = STAGE_NEEDS[transition]
        done = STAGE_FIELD.get(transition)
        if needed and getattr(follow_up, needed) is None:
            return False
        if done and getattr(follow_up, done) is not None:
            return False
    return True


def available(follow_up):
    """The transitions the follow-up's state allows now, in the order people meet them."""
    return [t for t in Transition if allowed(follow_up, t)]


def target(follow_up, transition):
    _, to = TRANSITIONS[transition]
    return follow_up.held_from if to is None else to


def check(follow_up, transition):
    """Raise a plain-English ValidationError unless the transition may start from the state."""
    if not allowed(follow_up, transition):
        raise ValidationError(
            f"This follow-up is {State(follow_up.state).label.lower()}, so it cannot be "
            f"changed like that ({Transition(transition).label.lower()}). Reload the page to see its "
            "current state."
        )
