"""Care homes, who is assigned to them, and the state kept for each home (the visits made to them
are in `carehomes.visits.models`, imported here)."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.utils import timezone
from simple_history.models import HistoricalRecords

from carehomes.visits.models import Visit  # noqa: F401 - the visit model, registered with the app here
from config.patient_data import FreeTextModel
from organisations.models import Organisation, StaffMember, TimeStamped

CQC_LOCATION_ID = RegexValidator(
    r"^1-\d{1,11}$",
    "Enter the CQC location ID as 1- followed by up to 11 digits, for example 1-101234567.",
)
UK_POSTCODE = RegexValidator(
    r"^(GIR 0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2})$",
    "Enter a real UK postcode, for example LS1 3EX.",
)

PHONE_DIGITS = re.compile(r"^(0|\+44)\d{10}$")


def validate_uk_phone(value):
    """A UK phone number: 0 and 10 digits, or +44 and 10 digits; spaces, brackets and dashes allowed."""
    compact = re.sub(r"[\s()-]", "", value or "")
    if value and not PHONE_DIGITS.match(compact):
        raise ValidationError(
            "Enter a UK phone number, for example 0113 496 0000 or +44 113 496 0000.", code="invalid"
        )


def normalise_postcode(value):
    """'ls13ex' -> 'LS1 3EX': capitals, with one space before the inward code."""
    compact = "".join((value or "").split()).upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


class Specialism(models.Model):
    """A kind of care a home specialises in (made by a data migration)."""

    KNOWN = {
        "dementia": "Dementia",
        "learning-disability": "Learning disability",
        "mental-health": "Mental health",
        "older-people": "Older people",
        "physical-disability": "Physical disability",
    }

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class CareHome(FreeTextModel, TimeStamped):
    FREE_TEXT_FIELDS = ("name", "address", "locality", "phone")
    # What a CQC import compares (and, unless the project manager changed it in the hub, updates).
    CQC_FIELDS = ("name", "address", "postcode", "beds", "home_type")

    class HomeType(models.TextChoices):
        RESIDENTIAL = "residential", "Residential"
        NURSING = "nursing", "Nursing"
        BOTH = "both", "Residential and nursing"

    class Registration(models.TextChoices):
        REGISTERED = "registered", "Registered"
        MISSING = "missing", "Missing from the latest CQC file"
        DEREGISTERED = "deregistered", "Deregistered"

    class Outbreak(models.TextChoices):
        NONE = "none", "No outbreak"
        SUSPECTED = "suspected", "Suspected outbreak"
        CONFIRMED = "confirmed", "Confirmed outbreak"

    name = models.CharField(max_length=200)
    # Blank only for a home added by hand that is not yet in the CQC's file.
    cqc_location_id = models.CharField(
        "CQC location ID", max_length=14, unique=True, null=True, blank=True, validators=[CQC_LOCATION_ID]
    )
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=8, validators=[UK_POSTCODE])
    phone = models.CharField("phone number", max_length=20, blank=True, validators=[validate_uk_phone])
    locality = models.CharField(max_length=100, db_index=True)
    beds = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(1000)])
    home_type = models.CharField("type", max_length=20, choices=HomeType.choices)
    specialisms = models.ManyToManyField(Specialism, blank=True, related_name="care_homes")
    pcn = models.ForeignKey(
        Organisation,
        verbose_name="PCN",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="pcn_care_homes",
        limit_choices_to={"kind": Organisation.Kind.PCN},
    )
    practice = models.ForeignKey(
        Organisation,
        verbose_name="GP practice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="practice_care_homes",
        limit_choices_to={"kind": Organisation.Kind.GP_PRACTICE},
    )
    supplying_pharmacy = models.ForeignKey(
        Organisation,
        verbose_name="supplying pharmacy",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supplied_care_homes",
        limit_choices_to={"kind": Organisation.Kind.COMMUNITY_PHARMACY},
        help_text="The community pharmacy that supplies the home's medicines: it receives discharge follow-ups.",
    )
    registration_status = models.CharField(
        max_length=20, choices=Registration.choices, default=Registration.REGISTERED
    )
    registered_on = models.DateField("registered with the CQC on", null=True, blank=True)
    outbreak_status = models.CharField(max_length=20, choices=Outbreak.choices, default=Outbreak.NONE)
    outbreak_started_on = models.DateField(null=True, blank=True)

    # Fields the project manager changed in the hub (names from CQC_FIELDS and the others they
    # may edit): the next CQC import keeps the hub's value of these and says so in its preview.
    hub_changed_fields = models.JSONField(default=list, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outbreak_status="none", outbreak_started_on__isnull=True)
                | (~Q(outbreak_status="none") & Q(outbreak_started_on__isnull=False)),
                name="carehome_outbreak_has_start_date",
            ),
        ]
        indexes = [
            # The care-home list's orders by name (either way) and by locality: a page is an index read.
            models.Index(fields=["name", "id"], name="carehome_name_idx"),
            models.Index(fields=["locality", "name", "id"], name="carehome_locality_name_idx"),
            models.Index(fields=["pcn"]),
            models.Index(fields=["postcode"]),
            models.Index(fields=["supplying_pharmacy"]),
            # What the gap rules read of every home (`carehomes.gaps`), a fifth of the table's pages:
            # the gap list reads it whole, never looks a home up by it (keyed on the outbreak, not the id).
            models.Index(
                fields=["outbreak_status"],
                include=["id", "name", "pcn", "outbreak_started_on"],
                name="carehome_gap_cover_idx",
            ),
            # The homes in outbreak (a few hundred of 15,000), for the dashboard's outbreak counts.
            models.Index(
                fields=["outbreak_started_on"],
                name="carehome_in_outbreak_idx",
                condition=~Q(outbreak_status="none"),
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def in_outbreak(self):
        return self.outbreak_status != self.Outbreak.NONE

    def clean_fields(self, exclude=None):
        # Normalise what people type before the format validators look at it.
        self.postcode = normalise_postcode(self.postcode)
        self.cqc_location_id = (self.cqc_location_id or "").strip() or None
        self.phone = " ".join((self.phone or "").split())
        super().clean_fields(exclude=exclude)

    def clean(self):
        if self.in_outbreak and not self.outbreak_started_on:
            raise ValidationError({"outbreak_started_on": "Enter the date the outbreak started."})
        if not self.in_outbreak:
            self.outbreak_started_on = None
        if (
            self.supplying_pharmacy_id
            and self.supplying_pharmacy.kind != Organisation.Kind.COMMUNITY_PHARMACY
        ):
            raise ValidationError(
                {"supplying_pharmacy": "The supplying pharmacy must be a community pharmacy."}
            )


def not_ended_by(on, prefix=""):
    """A Q for assignments not ended before `on` (open, or ending on or after it); `prefix` is the
    path to the assignment from another model, e.g. "assignments__"."""
    return Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on})


class AssignmentQuerySet(models.QuerySet):
    def current(self, on=None):
        """Assignments in force on a date (today by default): started, and not ended before it."""
        on = on or timezone.localdate()
        return self.filter(starts_on__lte=on).filter(not_ended_by(on))

    def not_ended(self, on=None):
        """Assignments in force on a date or starting later (today by default): what a person's
        hours are committed to from then on."""
        return self.filter(not_ended_by(on or timezone.localdate()))

    def open(self):
        """Assignments that have not been ended."""
        return self.filter(ends_on__isnull=True)

    def hours_total(self):
        """The hours a week of these assignments, one value per person: for a `Subquery` over
        `filter(staff=OuterRef(...))` (a person's load)."""
        return self.order_by().values("staff").annotate(total=Sum("hours_per_week")).values("total")


class Assignment(TimeStamped):
    class Role(models.TextChoices):
        LEAD = "lead", "Named lead"
        SUPPORT = "support", "Support"

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="assignments")
    care_home = models.ForeignKey(CareHome, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=10, choices=Role.choices)
    hours_per_week = models.DecimalField(
        "hours a week",
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(168)],
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            # At most one open (not ended) lead per care home.
            models.UniqueConstraint(
                fields=["care_home"],
                condition=Q(role="lead", ends_on__isnull=True),
                name="assignment_one_open_lead_per_home",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="assignment_ends_after_it_starts",
            ),
            models.CheckConstraint(condition=Q(hours_per_week__gt=0), name="assignment_hours_positive"),
        ]
        indexes = [
            models.Index(fields=["care_home", "ends_on"]),
            models.Index(fields=["staff", "ends_on"]),
        ]

    def __str__(self):
        return f"{self.staff} → {self.care_home} ({self.get_role_display()})"

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The end date must be on or after the start date."})


class CareHomeState(models.Model):
    """What the gap rules and headline figures read about one home, kept current by its writers.

    Maintained in the writer's own transaction (`carehomes.state`): by the visit services
    (create, update, delete), the assignment services (create, end, hand over), staff changes,
    imports and bulk loads. Facts that depend on today's date are stored as dates and compared
    with today when read: the lead counts while `lead_starts_on <= today <= lead_ends_on`, and
    `valid_until` is the last day the lead and load figures hold without any write (a lead's
    assignment ends, a hand-over starts, the lead's other assignments start or end); a read
    refreshes the few rows past it first. The outbreak and its start are read from the care
    home's own row. A nightly task recomputes every row from the raw tables and repairs drift.
    """

    care_home = models.OneToOneField(
        CareHome, primary_key=True, on_delete=models.CASCADE, related_name="state"
    )
    last_visited_on = models.DateField(null=True, blank=True)
    lead_staff = models.ForeignKey(
        StaffMember, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    lead_starts_on = models.DateField(null=True, blank=True)
    lead_ends_on = models.DateField(null=True, blank=True)
    lead_available_hours = models.DecimalField(max_digits=6, decimal_places=1, null=True, blank=True)
    lead_assigned_hours = models.DecimalField(max_digits=7, decimal_places=1, null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["valid_until"], name="carehome_state_valid_idx"),
            models.Index(fields=["lead_staff"], name="carehome_state_lead_idx"),
        ]

    def __str__(self):
        return f"state of care home {self.care_home_id}"

    FACTS = (
        "last_visited_on",
        "lead_staff_id",
        "lead_organisation_id",
        "lead_starts_on",
        "lead_ends_on",
        "lead_available_hours",
        "lead_assigned_hours",
        "valid_until",
    )


class VisitDayTotal(models.Model):
    """Visit totals for one day, mode and cover flag, for every visit (`activity` "") or for the
    visits that included one activity: what the visit list's totals read instead of summing the
    visit table.

    Kept in the writer's own transaction by `carehomes.visits.totals` (model signals on Visit, so
    the services, the admin and the test factories all keep it); bulk loads call
    `visit_totals_rebuild()`; the nightly state check also checks these rows for drift.
    """

    ALL = ""  # the activity of the rows that count every visit

    activity = models.CharField(max_length=40, blank=True)
    visited_on = models.DateField()
    mode = models.CharField(max_length=10, choices=Visit.Mode.choices)
    is_cover = models.BooleanField()
    visits = models.IntegerField(default=0)
    residents_reviewed = models.BigIntegerField(default=0)
    interventions = models.BigIntegerField(default=0)
    issues_escalated = models.BigIntegerField(default=0)
    minutes = models.BigIntegerField(default=0)

    FIGURES = ("visits", "residents_reviewed", "interventions", "issues_escalated", "minutes")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "visited_on", "mode", "is_cover"], name="visit_day_total_key"
            )
        ]

    def __str__(self):
        return f"visits on {self.visited_on} ({self.mode}, cover={self.is_cover}, {self.activity or 'all'})"


# Kept per-organisation hour totals live in their own module; imported here so Django registers them.
from carehomes.hours_models import OrganisationHours  # noqa: E402, F401
