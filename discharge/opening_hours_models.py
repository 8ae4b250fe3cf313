"""A community pharmacy's opening sessions (imported into `discharge.models`, which registers them):
what a follow-up's stage 1 deadline counts its 72 opening hours over (`discharge.timers`)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from config.dates import uk_time
from organisations.models import Organisation, TimeStamped


class PharmacyOpeningHours(TimeStamped):
    """One opening session of a community pharmacy on a day of the week (several for a lunch close)."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    pharmacy = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="opening_hours",
        limit_choices_to={"kind": Organisation.Kind.COMMUNITY_PHARMACY},
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["pharmacy", "weekday", "opens_at"]
        verbose_name_plural = "pharmacy opening hours"
        constraints = [
            models.UniqueConstraint(fields=["pharmacy", "weekday", "opens_at"], name="opening_session_once"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="opening_closes_after_opens"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="opening_weekday_range"
            ),
        ]

    def __str__(self):
        return f"{self.pharmacy}: {self.get_weekday_display()} {uk_time(self.opens_at)} to {uk_time(self.closes_at)}"

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": "The closing time must be after the opening time."})
