"""Organisations of the health system, the people who work for them, and the leadership teams."""

import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from config.dates import uk_date
from config.patient_data import FreeTextModel
from organisations.role_groups import NON_DEPLOYED_ROLES

GPHC_NUMBER = RegexValidator(
    r"^\d{7}$", "Enter the GPhC registration number as 7 digits, for example 2045678."
)
ODS_CODE = RegexValidator(
    r"^[A-Z0-9]{3,8}$", "Enter the ODS code in capitals and digits only, for example RR8 or B86001."
)


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Sector(models.TextChoices):
    SECONDARY = "secondary", "Secondary care"
    MENTAL_HEALTH = "mental_health", "Mental health"
    COMMUNITY = "community", "Community health"
    PRIMARY_CARE = "primary_care", "Primary care"
    COMMUNITY_PHARMACY = "community_pharmacy", "Community pharmacy"
    COMMISSIONER = "commissioner", "Commissioner"
    ACADEMIC = "academic", "Academic"
    SOCIAL_CARE = "social_care", "Social care"


class Organisation(FreeTextModel, TimeStamped):
    FREE_TEXT_FIELDS = ("name", "locality")

    class Kind(models.TextChoices):
        ACUTE_TRUST = "acute_trust", "Acute trust"
        MENTAL_HEALTH_TRUST = "mental_health_trust", "Mental health trust"
        COMMUNITY_TRUST = "community_trust", "Community healthcare trust"
        GP_CONFEDERATION = "gp_confederation", "GP confederation"
        COMMISSIONER = "commissioner", "Commissioner (CCG/ICB)"
        PCN = "pcn", "Primary care network (PCN)"
        GP_PRACTICE = "gp_practice", "GP practice"
        COMMUNITY_PHARMACY = "community_pharmacy", "Community pharmacy"
        LPC = "lpc", "Local pharmaceutical committee"
        UNIVERSITY = "university", "University"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        # A trust first seen in the ODS files, whose kind the files do not say: the PM chooses.
        NHS_TRUST = "nhs_trust", "NHS trust (kind to be chosen)"

    class Engagement(models.TextChoices):
        ENGAGED = "engaged", "Engaged"
        HESITANT = "hesitant", "Hesitant"
        NOT_ENGAGED = "not_engaged", "Not engaged"

    name = models.CharField(max_length=200)
    ods_code = models.CharField(
        "ODS code", max_length=8, null=True, blank=True, unique=True, validators=[ODS_CODE]
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    sector = models.CharField(max_length=30, choices=Sector.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    locality = models.CharField(max_length=100, blank=True)
    # Kept current by the ODS import: a closed organisation is made inactive, never deleted.
    postcode = models.CharField(max_length=8, blank=True)
    is_active = models.BooleanField("active", default=True)
    opened_on = models.DateField("opened on", null=True, blank=True)
    closed_on = models.DateField("closed on", null=True, blank=True)
    # PCN only: who leads it, how engaged it is, and the staff hours it has committed.
    clinical_director = models.ForeignKey(
        "StaffMember", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    engagement = models.CharField(max_length=20, choices=Engagement.choices, blank=True)
    committed_hours = models.DecimalField(
        max_digits=6, decimal_places=1, default=Decimal("0"), validators=[MinValueValidator(0)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(committed_hours__gte=0), name="organisation_committed_hours_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self):
        return self.name

    @property
    def is_pcn(self):
        return self.kind == self.Kind.PCN

    def clean_fields(self, exclude=None):
        self.ods_code = (self.ods_code or "").strip().upper() or None
        super().clean_fields(exclude=exclude)

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "An organisation cannot be its own parent."})
        if not self.is_pcn and self.engagement:
            raise ValidationError({"engagement": "Only a PCN has an engagement status."})


class StaffMemberQuerySet(models.QuerySet):
    def deployable(self):
        """People who can be deployed to care homes: not the trust discharge teams or community
        pharmacy staff, who work discharge follow-ups and give no care-home hours."""
        return self.exclude(user__groups__name__in=NON_DEPLOYED_ROLES)


class StaffMember(FreeTextModel, TimeStamped):
    FREE_TEXT_FIELDS = ("name",)

    class Role(models.TextChoices):
        PHARMACIST = "pharmacist", "Pharmacist"
        TECHNICIAN = "technician", "Pharmacy technician"
        CLINICAL_DIRECTOR = "clinical_director", "Clinical director"
        CHIEF_PHARMACIST = "chief_pharmacist", "Chief pharmacist"
        PROJECT_MANAGER = "project_manager", "Project manager"
        OTHER = "other", "Other"

    class Funding(models.TextChoices):
        PRACTICE = "practice", "Practice"
        PCN = "pcn", "PCN"
        COMMISSIONER = "commissioner", "Commissioner"
        SECONDARY_CARE = "secondary_care", "Secondary care"
        MENTAL_HEALTH = "mental_health", "Mental health"
        COMMUNITY_PHARMACY = "community_pharmacy", "Community pharmacy"

    REGISTRANT_ROLES = {Role.PHARMACIST, Role.TECHNICIAN, Role.CHIEF_PHARMACIST}

    name = models.CharField(max_length=200)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_member",
    )
    email = models.EmailField(blank=True)
    role = models.CharField(max_length=30, choices=Role.choices)
    gphc_number = models.CharField(
        "GPhC registration number",
        max_length=7,
        null=True,
        blank=True,
        unique=True,
        validators=[GPHC_NUMBER],
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff")
    second_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cross_sector_staff",
        help_text="For cross-sector roles: the other organisation this person works for.",
    )
    funding = models.CharField("funded by", max_length=30, choices=Funding.choices)
    hours_per_week = models.DecimalField(
        "hours a week available for care homes",
        max_digits=4,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    is_active = models.BooleanField("active", default=True)
    left_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day this person left (set by `staff_member_leave`); drives retention.",
    )

    objects = StaffMemberQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__gte=0) & Q(hours_per_week__lte=168),
                name="staff_hours_per_week_in_range",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "is_active"])]

    def __str__(self):
        return self.name

    @property
    def is_registrant(self):
        return self.role in {self.Role.PHARMACIST, self.Role.TECHNICIAN}

    def clean_fields(self, exclude=None):
        self.gphc_number = re.sub(r"\s", "", self.gphc_number or "") or None
        super().clean_fields(exclude=exclude)

    def clean(self):
        if self.is_registrant and not self.gphc_number:
            raise ValidationError(
                {
                    "gphc_number": "Enter the GPhC registration number: pharmacists and technicians are registrants."
                }
            )
        if self.second_organisation_id and self.second_organisation_id == self.organisation_id:
            raise ValidationError(
                {"second_organisation": "The second organisation must differ from the employing one."}
            )


class Team(FreeTextModel, TimeStamped):
    FREE_TEXT_FIELDS = ("name", "description")

    class Kind(models.TextChoices):
        SLT = "slt", "Senior Leadership Team"
        OPERATIONAL = "operational", "Operational team"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, unique=True)
    description = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(TimeStamped):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        MEMBER = "member", "Member"
        PROJECT_MANAGER = "project_manager", "Project manager"

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text="The organisation this person represents on the team.",
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)

    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "role", "staff__name"]
        constraints = [
            models.UniqueConstraint(fields=["team", "staff"], name="membership_once_per_team"),
        ]

    def __str__(self):
        return f"{self.staff} on {self.team} ({self.get_role_display()})"


class EngagementNote(FreeTextModel, TimeStamped):
    """A dated record of a conversation with a PCN about its care-home support."""

    FREE_TEXT_FIELDS = ("with_whom", "summary")

    pcn = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="engagement_notes")
    held_on = models.DateField("date of the conversation")
    with_whom = models.CharField("who it was with", max_length=200)
    summary = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.pcn} on {uk_date(self.held_on)}"


class ImportRun(models.Model):
    """One run of an import (ODS reference data or the CQC register): what it read and did.

    Written once when the run ends, whether it applied its changes or failed; a dry run
    records nothing.
    """

    class Source(models.TextChoices):
        ODS = "ods", "ODS reference data"
        CQC = "cqc", "CQC care directory"

    class Via(models.TextChoices):
        COMMAND = "command", "Command line"
        UPLOAD = "upload", "Upload"
        TASK = "task", "Monthly task"

    class Outcome(models.TextChoices):
        APPLIED = "applied", "Applied"
        FAILED = "failed", "Failed"

    source = models.CharField(max_length=10, choices=Source.choices)
    via = models.CharField(max_length=10, choices=Via.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    file_name = models.CharField(max_length=500)
    file_hash = models.CharField("SHA-256 of the files", max_length=64)
    files = models.JSONField(default=list, blank=True, help_text="Each file: name, kind, SHA-256, rows.")
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    messages = models.JSONField(default=list, blank=True, help_text="Row errors and the failure, if any.")
    realigned = models.JSONField(
        default=list, blank=True, help_text="Care homes moved to their practice's new PCN."
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["source", "outcome", "-started_at"])]

    def __str__(self):
        return f"{self.get_source_display()} import of {self.file_name} ({self.get_outcome_display()})"
