"""The visit model: one pharmacy professional's visit to a care home, and what it covered.

Part of the `carehomes` app (its table is `carehomes_visit`): `carehomes.models` imports it, so
it is registered with the app's other models and is imported from there like them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from config.dates import uk_date
from config.patient_data import FreeTextModel
from organisations.models import StaffMember, TimeStamped


class Visit(FreeTextModel, TimeStamped):
    FREE_TEXT_FIELDS = ("escalation_summary", "notes")

    class Mode(models.TextChoices):
        ON_SITE = "on_site", "On site"
        VIDEO = "video", "Video"
        PHONE = "phone", "Phone"

    # Activities are stored one boolean column each, so that reports count them in the
    # database on both SQLite and PostgreSQL without a join per visit.
    ACTIVITIES = {
        "smr": "Structured medication review",
        "medicines_reconciliation": "Medicines reconciliation",
        "post_discharge_review": "Post-discharge review",
        "home_round": "Home round",
        "medicines_supply": "Medicines supply / end-of-life medicines",
        "staff_training": "Staff training",
        "audit": "Audit",
        "other": "Other",
    }
    INTERVENTIONS = {
        "stopped": "Stopped",
        "dose_changed": "Dose changed",
        "started": "Started",
        "switched": "Switched",
        "monitoring": "Monitoring",
    }
    MAX_MINUTES = 720

    care_home = models.ForeignKey("carehomes.CareHome", on_delete=models.PROTECT, related_name="visits")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="visits")
    visited_on = models.DateField("date of visit")
    mode = models.CharField(max_length=10, choices=Mode.choices)

    activity_smr = models.BooleanField(ACTIVITIES["smr"], default=False)
    activity_medicines_reconciliation = models.BooleanField(
        ACTIVITIES["medicines_reconciliation"], default=False
    )
    activity_post_discharge_review = models.BooleanField(ACTIVITIES["post_discharge_review"], default=False)
    activity_home_round = models.BooleanField(ACTIVITIES["home_round"], default=False)
    activity_medicines_supply = models.BooleanField(ACTIVITIES["medicines_supply"], default=False)
    activity_staff_training = models.BooleanField(ACTIVITIES["staff_training"], default=False)
    activity_audit = models.BooleanField(ACTIVITIES["audit"], default=False)
    activity_other = models.BooleanField(ACTIVITIES["other"], default=False)

    residents_reviewed = models.PositiveIntegerField(default=0)
    interventions_stopped = models.PositiveIntegerField(default=0)
    interventions_dose_changed = models.PositiveIntegerField(default=0)
    interventions_started = models.PositiveIntegerField(default=0)
    interventions_switched = models.PositiveIntegerField(default=0)
    interventions_monitoring = models.PositiveIntegerField(default=0)
    issues_escalated = models.PositiveIntegerField(default=0)
    escalation_summary = models.CharField("issues escalated: what", max_length=300, blank=True)
    minutes_spent = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)]
    )
    notes = models.TextField(blank=True)
    is_cover = models.BooleanField(
        "cover visit", default=False, help_text="The visitor was not assigned to this home."
    )
    submission_token = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="One per form shown, so a resubmitted form never makes a second visit.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "submission_token"])

    class Meta:
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes_spent__gte=1) & Q(minutes_spent__lte=720),
                name="visit_minutes_in_range",
            ),
            models.CheckConstraint(
                condition=Q(residents_reviewed__gte=0)
                & Q(interventions_stopped__gte=0)
                & Q(interventions_dose_changed__gte=0)
                & Q(interventions_started__gte=0)
                & Q(interventions_switched__gte=0)
                & Q(interventions_monitoring__gte=0)
                & Q(issues_escalated__gte=0),
                name="visit_counts_not_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["care_home", "-visited_on"]),
            models.Index(fields=["staff", "-visited_on"]),
            # Covers "which homes were visited in the last 28 days" as an index-only range scan.
            models.Index(fields=["visited_on", "care_home"], name="visit_day_home_idx"),
            # The visit list's keyset order (newest first): any page is one index range read.
            models.Index(fields=["-visited_on", "-id"], name="visit_newest_first_idx"),
            # The read API's incremental refresh (`updated_since`): the visits written since a time.
            models.Index(fields=["updated_at"], name="visit_updated_at_idx"),
        ]

    def __str__(self):
        return f"{self.care_home} on {uk_date(self.visited_on)} ({self.get_mode_display()})"

    @property
    def activities(self):
        return [code for code in self.ACTIVITIES if getattr(self, f"activity_{code}")]

    @property
    def activity_names(self):
        return [self.ACTIVITIES[code] for code in self.activities]

    @property
    def interventions_total(self):
        return sum(getattr(self, f"interventions_{code}") for code in self.INTERVENTIONS)

    @classmethod
    def with_activity(cls, code):
        """A Q that matches visits which included the activity `code`."""
        if code not in cls.ACTIVITIES:
            raise ValueError(f"Unknown activity {code!r}")
        return Q(**{f"activity_{code}": True})
