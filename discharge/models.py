"""Discharge follow-ups: a trust's referral of a care-home resident to the home's community pharmacy.

The hub holds no patient-identifiable data: a follow-up is known only by the referral system's own
reference (unique per trust), and records stages, coded findings and outcomes, never names, dates
of birth, NHS numbers or drug names. Nothing is ever deleted; every change is in the history.

A pharmacy's opening sessions are defined in `discharge.opening_hours_models` and the kept daily
counts in `discharge.count_models`; both are imported here, so callers import every model of the
app from `discharge.models`.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from carehomes.models import CareHome, Visit
from config.patient_data import validate_no_patient_data
from discharge import timers
from discharge.opening_hours_models import PharmacyOpeningHours  # registered with the app here
from discharge.states import FINISHED_STATES, OPEN_STATES, State
from organisations.models import Organisation, TimeStamped

# Closed or merged, in one fixed order: the gap query and its partial index must say the same.
FINISHED_STATE_VALUES = sorted(s.value for s in FINISHED_STATES)

# "Mr Smith", "mrs. a jones", "Ms X": a title followed by a name-like word.
NAME_LIKE = re.compile(r"\b(mr|mrs|ms|miss|mx|dr|master)\b\.?\s*[a-z]", re.IGNORECASE)
REFERENCE_CHARACTERS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./_:#-]{0,59}$")


def validate_reference(value):
    """A referral system's own reference: no NHS number, no "Mr/Mrs/Ms X" name, plain characters."""
    value = value or ""
    validate_no_patient_data(value)
    if NAME_LIKE.search(value):
        raise ValidationError(
            "The reference looks as if it contains a name (such as 'Mrs X'). Enter only the referral "
            "system's own reference, for example the PharmOutcomes referral ID PO-123456."
        )
    if not REFERENCE_CHARACTERS.match(value):
        raise ValidationError(
            "Enter the referral ID as letters, digits and - / . _ : # only (up to 60 characters), "
            "for example PO-123456."
        )


def validate_note(value):
    validate_no_patient_data(value)
    if NAME_LIKE.search(value or ""):
        raise ValidationError(
            "The note looks as if it names a person (such as 'Mr X'). Describe what happened "
            "without names, for example 'home manager contacted'."
        )


class Channel(models.TextChoices):
    PHARMOUTCOMES = "pharmoutcomes", "PharmOutcomes"
    REFER_TO_PHARMACY = "refer_to_pharmacy", "Refer-to-Pharmacy"
    NHSMAIL = "nhsmail", "NHSmail"
    OTHER = "other", "Other"


class ChangesBand(models.TextChoices):
    ONE_TO_TWO = "1-2", "1 to 2"
    THREE_TO_FIVE = "3-5", "3 to 5"
    SIX_PLUS = "6+", "6 or more"


class CloseReason(models.TextChoices):
    READMITTED = "readmitted", "Readmitted"
    DIED = "died", "Died"
    MOVED_HOME = "moved_home", "Moved home"
    REFUSED = "refused", "Refused"
    NOT_CONTACTED = "not_contacted", "Could not be contacted"
    NOT_APPROPRIATE = "not_appropriate", "Not appropriate"


class Readmitted(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


REASONS = {
    "new_high_risk": "New high-risk medicine",
    "stopped": "Stopped medicine",
    "dose_change": "Dose change",
    "mds_change": "Change to monitored dosage supply",
    "new_monitoring": "New monitoring",
}
ISSUES = {
    "gp_mismatch": "GP prescription does not match",
    "stopped_in_packs": "Stopped item still in packs",
    "mar_not_updated": "MAR not updated",
    "not_sent": "Medicines not sent with the resident",
    "other": "Other",
}
PARTICIPANTS = {
    "care_home_staff": "Care-home staff",
    "resident": "Resident",
    "family": "Family",
}


class DischargeFollowUp(TimeStamped):
    """One care-home resident's discharge from a trust that needs follow-up by the home's pharmacy."""

    trust = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="discharges_sent")
    reference = models.CharField(
        "referral ID",
        max_length=60,
        validators=[validate_reference],
        help_text="The referral system's own reference (PharmOutcomes, Refer-to-Pharmacy or NHSmail), "
        "never a hospital number or a name.",
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    care_home = models.ForeignKey(CareHome, on_delete=models.PROTECT, related_name="discharge_followups")
    pharmacy = models.ForeignKey(
        Organisation,
        verbose_name="receiving pharmacy",
        on_delete=models.PROTECT,
        related_name="discharges_received",
        limit_choices_to={"kind": Organisation.Kind.COMMUNITY_PHARMACY},
    )
    pcn = models.ForeignKey(
        Organisation,
        verbose_name="PCN",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discharge_followups",
    )
    discharged_on = models.DateField("discharge date")

    reason_new_high_risk = models.BooleanField(REASONS["new_high_risk"], default=False)
    reason_stopped = models.BooleanField(REASONS["stopped"], default=False)
    reason_dose_change = models.BooleanField(REASONS["dose_change"], default=False)
    reason_mds_change = models.BooleanField(REASONS["mds_change"], default=False)
    reason_new_monitoring = models.BooleanField(REASONS["new_monitoring"], default=False)
    changes_band = models.CharField("number of medicine changes", max_length=3, choices=ChangesBand.choices)

    state = models.CharField(max_length=20, choices=State.choices, default=State.EXPECTED)
    # The state to return to when a hold ends.
    held_from = models.CharField(max_length=20, choices=State.choices, blank=True)

    received_at = models.DateTimeField()
    # When the current pharmacy received it: the receipt, or the latest redirect. Timers count from it.
    routed_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # The two deadlines, worked out from `routed_at` (and the pharmacy's opening hours) whenever it is
    # routed, so figures count "on time" in the database (`discharge.timers.deadlines`).
    lost_at = models.DateTimeField("lost if not acknowledged before", null=True, blank=True, editable=False)
    stage1_due_at = models.DateTimeField("stage 1 due by", null=True, blank=True, editable=False)
    stage1_at = models.DateTimeField("stage 1 done at", null=True, blank=True)
    stage2_at = models.DateTimeField("stage 2 done at", null=True, blank=True)
    stage3_at = models.DateTimeField("stage 3 done at", null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    issue_gp_mismatch = models.BooleanField(ISSUES["gp_mismatch"], default=False)
    issue_stopped_in_packs = models.BooleanField(ISSUES["stopped_in_packs"], default=False)
    issue_mar_not_updated = models.BooleanField(ISSUES["mar_not_updated"], default=False)
    issue_not_sent = models.BooleanField(ISSUES["not_sent"], default=False)
    issue_other = models.BooleanField(ISSUES["other"], default=False)

    with_care_home_staff = models.BooleanField(PARTICIPANTS["care_home_staff"], default=False)
    with_resident = models.BooleanField(PARTICIPANTS["resident"], default=False)
    with_family = models.BooleanField(PARTICIPANTS["family"], default=False)

    onward_referral = models.BooleanField(
        "referred to the PCN for a structured medication review", default=False
    )
    onward_closed_at = models.DateTimeField("onward review done at", null=True, blank=True)
    onward_visit = models.ForeignKey(
        Visit, null=True, blank=True, on_delete=models.PROTECT, related_name="discharge_reviews"
    )

    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    reopen_reason = models.CharField(max_length=200, blank=True, validators=[validate_note])
    misrouted_from = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="discharges_misrouted",
        help_text="The pharmacy it was first sent to, when it was redirected.",
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    readmitted = models.CharField(
        "readmitted within 30 days", max_length=10, choices=Readmitted.choices, blank=True
    )
    note = models.CharField(max_length=200, blank=True, validators=[validate_note])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "reference"], name="followup_reference_once_per_trust"),
            models.CheckConstraint(
                condition=Q(state__in=[s.value for s in State]), name="followup_state_known"
            ),
            models.CheckConstraint(
                condition=~Q(state="closed_partial") | ~Q(close_reason=""),
                name="followup_partial_close_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state="duplicate") | Q(duplicate_of__isnull=False),
                name="followup_duplicate_names_original",
            ),
            models.CheckConstraint(
                condition=Q(duplicate_of__isnull=True) | ~Q(duplicate_of=F("pk")),
                name="followup_not_duplicate_of_itself",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "routed_at"], name="followup_state_routed_idx"),
            models.Index(fields=["care_home", "-received_at"], name="followup_home_received_idx"),
            models.Index(fields=["trust", "-received_at"], name="followup_trust_received_idx"),
            models.Index(fields=["pharmacy", "state"], name="followup_pharmacy_state_idx"),
            models.Index(fields=["received_at"], name="followup_received_idx"),
            # "Needs you now": onward referrals not yet done.
            models.Index(
                fields=["care_home"],
                condition=Q(onward_referral=True, onward_closed_at__isnull=True),
                name="followup_onward_open_idx",
            ),
            # The list's closed follow-ups, after the open ones, in routing order.
            models.Index(
                fields=["routed_at", "id"],
                condition=Q(state__in=FINISHED_STATE_VALUES),
                name="followup_finished_routed_idx",
            ),
            # The open follow-ups (a few thousand nationally, of 200,000 a year) with every column the
            # list's urgency, its filters and the "needs you now" counts read: index-only scans.
            models.Index(
                fields=[
                    "routed_at",
                    "id",
                    "state",
                    "stage1_at",
                    "received_at",
                    "pharmacy",
                    "trust",
                    "care_home",
                    "pcn",
                ],  # fmt: skip
                condition=~Q(state__in=FINISHED_STATE_VALUES),
                name="followup_open_cover_idx",
            ),
            # The figures' deadlines not met and not yet reached, read at the time of asking (the rest
            # is kept in FollowUpDayCount): only the follow-ups not met are in each, index-only.
            models.Index(
                fields=["lost_at"],
                include=["received_at", "state"],
                condition=Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gte=F("lost_at")),
                name="followup_ack_pending_idx",
            ),
            models.Index(
                fields=["stage1_due_at"],
                include=["received_at", "state"],
                condition=Q(stage1_at__isnull=True) | Q(stage1_at__gt=F("stage1_due_at")),
                name="followup_stage1_pending_idx",
            ),
            # The gap rule "discharge not yet followed up" reads only the open ones received lately.
            models.Index(
                fields=["received_at", "care_home"],
                condition=~Q(state__in=FINISHED_STATE_VALUES),
                name="followup_open_received_idx",
            ),
        ]

    def __str__(self):
        return f"{self.reference} ({self.trust})"

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def reasons(self):
        return [name for code, name in REASONS.items() if getattr(self, f"reason_{code}")]

    @property
    def issues(self):
        return [name for code, name in ISSUES.items() if getattr(self, f"issue_{code}")]

    @property
    def participants(self):
        return [name for code, name in PARTICIPANTS.items() if getattr(self, f"with_{code}")]

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._routed_as = (instance.__dict__.get("routed_at"), instance.__dict__.get("pharmacy_id"))
        return instance

    def save(self, *args, **kwargs):
        """Work the deadlines out again when it is routed (recorded, or redirected to another pharmacy)."""
        routed = (self.routed_at, self.pharmacy_id)
        if self.routed_at and (
            self.lost_at is None or self.stage1_due_at is None or routed != getattr(self, "_routed_as", None)
        ):
            self.set_deadlines()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "lost_at", "stage1_due_at"}
        super().save(*args, **kwargs)
        self._routed_as = routed

    def set_deadlines(self, schedule=None):
        if schedule is None:
            rows = PharmacyOpeningHours.objects.filter(pharmacy_id=self.pharmacy_id).values_list(
                "weekday", "opens_at", "closes_at"
            )
            schedule = timers.schedule_from_rows(rows) or timers.default_schedule()
        self.lost_at, self.stage1_due_at = timers.deadlines(self.routed_at, schedule)

    def clean_fields(self, exclude=None):
        self.reference = (self.reference or "").strip()
        self.note = (self.note or "").strip()
        super().clean_fields(exclude=exclude)

    def clean(self):
        if self.pharmacy_id and self.pharmacy.kind != Organisation.Kind.COMMUNITY_PHARMACY:
            raise ValidationError({"pharmacy": "The receiving pharmacy must be a community pharmacy."})
        if self.state == State.CLOSED_PARTIAL and not self.close_reason:
            raise ValidationError({"close_reason": "Choose why the follow-up could not be completed."})


class DischargeAlert(models.Model):
    """An alert e-mailed about a follow-up (lost, overdue, stalled): made once, sent until delivered."""

    class Kind(models.TextChoices):
        LOST = "lost", "Lost"
        OVERDUE = "overdue", "Overdue"
        STALLED = "stalled", "Stalled"

    follow_up = models.ForeignKey(DischargeFollowUp, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    raised_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    recipients = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-raised_at"]
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "kind"], name="alert_once_per_followup_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.follow_up}"


# The kept daily counts live in their own module; imported here so Django registers them.
from discharge.count_models import FollowUpDayCount  # noqa: E402, F401
