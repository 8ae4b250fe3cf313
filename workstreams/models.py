"""Shared pieces of work, and asking the system for help."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from carehomes.models import Assignment, CareHome
from config.patient_data import FreeTextModel
from organisations.models import Organisation, StaffMember, TimeStamped


class Workstream(FreeTextModel, TimeStamped):
    FREE_TEXT_FIELDS = ("name", "description")

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETE = "complete", "Complete"

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="led_workstreams"
    )
    lead = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.PROTECT, related_name="led_workstreams"
    )
    participating_organisations = models.ManyToManyField(Organisation, blank=True, related_name="workstreams")
    care_homes = models.ManyToManyField(CareHome, blank=True, related_name="workstreams")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProgressNote(FreeTextModel, TimeStamped):
    FREE_TEXT_FIELDS = ("text",)
    workstream = models.ForeignKey(Workstream, on_delete=models.PROTECT, related_name="notes")
    written_on = models.DateField()
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-written_on", "-id"]

    def __str__(self):
        return f"{self.workstream} {self.written_on}"


class SupportRequest(FreeTextModel, TimeStamped):
    FREE_TEXT_FIELDS = ("title", "details", "skills", "locality")

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        OFFERED = "offered", "Offered"
        MET = "met", "Met"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"

    class Urgency(models.TextChoices):
        ROUTINE = "routine", "Routine"
        SOON = "soon", "Soon"
        URGENT = "urgent", "Urgent"

    OPEN_STATUSES = (Status.OPEN, Status.OFFERED)

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="support_requests")
    title = models.CharField("what is needed", max_length=200)
    details = models.TextField(blank=True)
    hours_per_week = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(500)],
    )
    skills = models.CharField(max_length=300, blank=True)
    care_homes = models.ManyToManyField(CareHome, blank=True, related_name="support_requests")
    locality = models.CharField(max_length=100, blank=True)
    needed_by = models.DateField()
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["needed_by", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours_per_week__gt=0), name="supportrequest_hours_positive"),
        ]
        indexes = [models.Index(fields=["status", "needed_by"])]

    def __str__(self):
        return self.title

    def current_status(self, today=None):
        """The status people see: an open or offered request past its date has expired."""
        today = today or timezone.localdate()
        if self.status in self.OPEN_STATUSES and self.needed_by < today:
            return self.Status.EXPIRED
        return self.status

    def is_open(self, today=None):
        return self.current_status(today) in self.OPEN_STATUSES


class SupportOffer(FreeTextModel, TimeStamped):
    FREE_TEXT_FIELDS = ("note",)

    class Status(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    request = models.ForeignKey(SupportRequest, on_delete=models.PROTECT, related_name="offers")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="support_offers")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="support_offers")
    hours_per_week = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(168)],
    )
    starts_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    assignments = models.ManyToManyField(Assignment, blank=True, related_name="support_offers")

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(hours_per_week__gt=0), name="supportoffer_hours_positive"),
        ]

    def __str__(self):
        return f"{self.staff} for {self.request}"

    def clean(self):
        if self.staff_id and self.organisation_id:
            staff = self.staff
            if self.organisation_id not in (staff.organisation_id, staff.second_organisation_id):
                raise ValidationError({"staff": "Offer only people who work for your organisation."})
