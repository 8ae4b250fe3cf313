"""Each organisation's kept hour totals (imported into `carehomes.models`): what the dashboard's
hours tables and the PCN gap rule read, without summing staff, assignments and homes per read."""

from decimal import Decimal

from django.db import models

from organisations.models import Organisation


class OrganisationHours(models.Model):
    """Hour totals of one organisation (a PCN is one too), kept current by its writers.

    Maintained in the writer's own transaction (`carehomes.hours_state`): assignments created,
    ended, handed over or deleted; staff added, their hours or organisation changed, leaving, their
    roles changed; care homes created, moved to another PCN (the ODS import) or deleted; bulk loads.
    As for `CareHomeState`, what depends on today's date holds until `valid_until` (an assignment
    starts or ends), and a read recomputes the rows past it first. A nightly task recomputes every
    row from the raw tables and repairs drift. No row means every figure is zero.
    """

    organisation = models.OneToOneField(
        Organisation, primary_key=True, on_delete=models.CASCADE, related_name="hours_state"
    )
    # Active staff who give care-home hours, employed here: how many and their hours a week.
    staff_count = models.PositiveIntegerField(default=0)
    available_hours = models.DecimalField(max_digits=9, decimal_places=1, default=Decimal(0))
    # Assignments in force today of the staff employed here: how many and their hours a week.
    assignment_count = models.PositiveIntegerField(default=0)
    assigned_hours = models.DecimalField(max_digits=9, decimal_places=1, default=Decimal(0))
    # As a PCN: the care homes aligned to it, and the hours a week assigned in them today.
    pcn_home_count = models.PositiveIntegerField(default=0)
    pcn_assigned_hours = models.DecimalField(max_digits=9, decimal_places=1, default=Decimal(0))
    valid_until = models.DateField(null=True, blank=True)

    FACTS = (
        "staff_count",
        "available_hours",
        "assignment_count",
        "assigned_hours",
        "pcn_home_count",
        "pcn_assigned_hours",
        "valid_until",
    )

    class Meta:
        verbose_name_plural = "organisation hours"
        indexes = [
            models.Index(fields=["valid_until"], name="org_hours_valid_idx"),
            models.Index(
                fields=["pcn_home_count"],
                name="org_hours_pcn_homes_idx",
                condition=models.Q(pcn_home_count__gt=0),
            ),
        ]

    def __str__(self):
        return f"hours of organisation {self.organisation_id}"
