"""The project's own tables (not part of any domain app)."""

from django.db import models


class DataVersion(models.Model):
    """One row: a number every committed write to the domain tables increases.

    It lives in the database so that every process sees the same number: web processes, Celery
    workers and management commands alike, on the embedded default (SQLite, no Redis) too.
    Cached figures are keyed by it (`config.freshness`).
    """

    version = models.BigIntegerField(default=1)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="data_version_single_row")]

    def __str__(self):
        return f"data version {self.version}"
