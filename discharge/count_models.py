"""The follow-ups' kept daily counts (imported into `discharge.models`): what the dashboard's
Discharges section and the list's pager read instead of counting 200,000 follow-ups a year."""

from django.db import models

from discharge.states import State


class FollowUpDayCount(models.Model):
    """How many follow-ups received on one local day are in one state (with one close reason), and
    how many of those meet each measure that depends on their stored times only.

    Kept in the writer's own transaction by `discharge.day_counts` (model signals on
    DischargeFollowUp, so every service, the CSV upload, the admin and the test factories keep it;
    the opening-hours change that refills deadlines in bulk keeps it too); bulk loads call
    `day_counts_rebuild()`; a nightly task recomputes every row and repairs drift. What depends on
    the time of asking (lost, overdue, open over 7 days, a deadline not yet reached) is read from
    the follow-ups at read time, over small indexed sets.
    """

    received_on = models.DateField()
    state = models.CharField(max_length=20, choices=State.choices)
    close_reason = models.CharField(max_length=20, blank=True)
    followups = models.IntegerField(default=0)
    misrouted = models.IntegerField(default=0)  # redirected at least once
    readmitted_yes = models.IntegerField(default=0)
    readmitted_answered = models.IntegerField(default=0)  # yes or no
    completed_in_14 = models.IntegerField(default=0)  # closed within STALLED_DAYS of receipt
    ack_timed = models.IntegerField(default=0)  # has its "lost from" deadline
    ack_met = models.IntegerField(default=0)  # acknowledged before it
    stage_timed = models.IntegerField(default=0)  # has its "stage 1 due by" deadline
    stage_met = models.IntegerField(default=0)  # stage 1 done by it

    KEY = ("received_on", "state", "close_reason")
    FIGURES = (
        "followups",
        "misrouted",
        "readmitted_yes",
        "readmitted_answered",
        "completed_in_14",
        "ack_timed",
        "ack_met",
        "stage_timed",
        "stage_met",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["received_on", "state", "close_reason"], name="followup_day_count_key"
            )
        ]

    def __str__(self):
        return f"follow-ups received on {self.received_on}, {self.state} {self.close_reason}".strip()
