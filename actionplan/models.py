"""The Silver Command care-home action plan, its meetings and the weekly gap reports."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from carehomes.gaps.rules import gap_key
from config.dates import uk_date
from config.patient_data import FreeTextModel
from organisations.models import Organisation, StaffMember, TimeStamped
from workstreams.models import Workstream

ISO_WEEK = RegexValidator(r"^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$", "Enter an ISO week such as 2026-W48.")


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class ActionPlan(FreeTextModel, TimeStamped):
    FREE_TEXT_FIELDS = ("name",)
    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Section(FreeTextModel, TimeStamped):
    FREE_TEXT_FIELDS = ("name",)
    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="sections")
    name = models.CharField(max_length=200)
    code = models.CharField(
        "reference prefix",
        max_length=5,
        validators=[RegexValidator(r"^[A-Z]{2,5}$", "Use 2 to 5 capital letters, for example PH.")],
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="section_code_unique_in_plan"),
            models.UniqueConstraint(fields=["plan", "name"], name="section_name_unique_in_plan"),
        ]

    def __str__(self):
        return self.name


class Action(FreeTextModel, TimeStamped):
    FREE_TEXT_FIELDS = ("description",)
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="actions")
    number = models.PositiveIntegerField(editable=False)
    description = models.TextField()
    owner = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="actions"
    )
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="actions")
    due_on = models.DateField()
    rag = models.CharField("RAG", max_length=5, choices=Rag.choices, default=Rag.AMBER)
    is_open = models.BooleanField("open", default=True)
    closed_on = models.DateField(null=True, blank=True)
    workstream = models.ForeignKey(
        Workstream, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    # Optimistic locking: a save carries the version it started from.
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["section", "number"]
        constraints = [
            models.UniqueConstraint(fields=["section", "number"], name="action_number_unique_in_section"),
            models.CheckConstraint(
                condition=Q(is_open=True, closed_on__isnull=True) | Q(is_open=False, closed_on__isnull=False),
                name="action_closed_has_date",
            ),
        ]
        indexes = [models.Index(fields=["is_open", "due_on"])]

    def __str__(self):
        return f"{self.reference} {self.description[:60]}"

    @property
    def reference(self):
        return f"{self.section.code}-{self.number:02d}"


class ActionUpdate(FreeTextModel, TimeStamped):
    FREE_TEXT_FIELDS = ("text",)
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    written_on = models.DateField()
    text = models.TextField()
    rag = models.CharField("new RAG", max_length=5, choices=Rag.choices, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-written_on", "-id"]
        indexes = [models.Index(fields=["action", "-written_on"])]

    def __str__(self):
        return f"{self.action.reference} update of {uk_date(self.written_on)}"


class Meeting(FreeTextModel, TimeStamped):
    FREE_TEXT_FIELDS = ("title",)
    held_on = models.DateField("meeting date", unique=True)
    title = models.CharField(max_length=200, default="Silver Command care-home meeting")

    class Meta:
        ordering = ["-held_on"]

    def __str__(self):
        return f"{self.title}, {uk_date(self.held_on)}"


class GapReport(models.Model):
    """The frozen weekly snapshot of every gap and headline figure: one current per ISO week."""

    week = models.CharField(max_length=8, validators=[ISO_WEEK], db_index=True)
    version = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict)
    # Kept from `data` by save(), so that reading them never loads the report's gaps (megabytes
    # of JSON at national scale, which PostgreSQL decompresses whole to take out one key):
    # the headline figures and "backfilled" (the dashboard's trend, the list of reports, the API),
    # and every gap's key ("rule:care_home_id:pcn_id", `carehomes.gaps.rules.gap_key`), what the project
    # manager's "new gaps since last week's report" compares with.
    headlines = models.JSONField(default=dict, blank=True)
    backfilled = models.BooleanField(default=False)
    gap_keys = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-week", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["week", "version"], name="gapreport_week_version_unique"),
            models.UniqueConstraint(
                fields=["week"], condition=Q(is_current=True), name="gapreport_one_current_per_week"
            ),
        ]

    def __str__(self):
        return f"Gap report {self.week}" + (f" (version {self.version})" if self.version > 1 else "")

    def save(self, *args, **kwargs):
        self.keep_summary()
        if kwargs.get("update_fields") is not None and "data" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "headlines", "backfilled", "gap_keys"}
        super().save(*args, **kwargs)

    def keep_summary(self):
        """Set the fields kept from `data` (bulk writes, which skip save(), call it themselves)."""
        data = self.data or {}
        self.headlines = data.get("headlines") or {}
        self.backfilled = bool(data.get("backfilled"))
        self.gap_keys = sorted(
            {gap_key(g.get("rule"), g.get("care_home_id"), g.get("pcn_id")) for g in data.get("gaps") or []}
        )

    @property
    def year(self):
        return int(self.week[:4])

    @property
    def week_number(self):
        return int(self.week[6:])

    def clean(self):
        if self.week and not re.match(r"^\d{4}-W\d{2}$", self.week):
            raise ValidationError({"week": "Enter an ISO week such as 2026-W48."})


class ChartImage(models.Model):
    """A chart drawn once, kept under the hash of what it shows (its name and numbers).

    Pages link to `/charts/<digest>.png`, which never changes once written: browsers keep it
    (`private, max-age=31536000, immutable`) and new numbers get a new address. Kept in the
    database so every web process serves every chart.
    """

    digest = models.CharField(max_length=64, primary_key=True)
    png = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"chart {self.digest}"
