"""A national-scale data set for the benchmark: ~15,000 care homes, 1,250 PCNs, 6,500 practices,
10,000 staff, 2 million visits and three years of weekly reports.

Rows are generated as tuples and written with PostgreSQL's COPY (psycopg 3) when the database is
PostgreSQL, or with `bulk_create` in batches otherwise (the small version that runs in the suite).
Distributions follow the demo city: ~12 homes per PCN, ~5 practices per PCN, a visit to most homes
every week or so, and about 5–10 % of homes with a gap (no lead, no recent visit, or an outbreak).

The builder is one function per table, grouped by the app that owns the table (`organisations`,
`carehomes`, `discharge`, `actionplan`); `counts` holds the targets and the record of what each
builder made for the ones after it.
"""

import random

from django.db import connection, transaction
from django.utils import timezone

from carehomes.hours_state import organisation_hours_rebuild
from carehomes.models import Assignment, CareHome, Visit
from carehomes.state import carehome_state_rebuild
from carehomes.visits.totals import visit_totals_rebuild
from config.freshness import data_changed
from discharge.day_counts import day_counts_rebuild
from nonprod.scale import actionplan, carehomes, discharge, organisations
from nonprod.scale.counts import Made, ScaleCounts, current_counts, targets
from nonprod.table_writer import TableWriter, reset_sequences
from organisations.models import Organisation, StaffMember

__all__ = ["ScaleCounts", "build", "current_counts", "targets"]


def build(homes=15000, *, seed=2020, weeks_of_reports=156, stdout=None):
    """Build the data set. Returns the counts made. Meant for an empty (or demo) database."""
    rng = random.Random(seed)
    made = Made(today=timezone.localdate(), now=timezone.now())
    write = TableWriter()
    say = (lambda msg: stdout.write(msg)) if stdout else (lambda msg: None)
    with transaction.atomic():
        say(f"organisations: {organisations.organisations(rng, made, write, homes)}\n")
        say(f"staff: {organisations.staff(rng, made, write, targets(homes).staff)}\n")
        say(f"care homes: {carehomes.care_homes(rng, made, write, homes)}\n")
        say(f"assignments: {carehomes.assignments(rng, made, write)}\n")
        say(
            f"visits: {carehomes.visits(rng, made, write, per_home=max(1, targets(homes).visits // homes))}\n"
        )
        say(f"discharge follow-ups: {discharge.discharges(rng, made, write, homes)}\n")
        actionplan.gap_reports(rng, made, homes, weeks_of_reports)
        reset_sequences([Organisation, StaffMember, CareHome, Assignment, Visit])
        # Rows went in by COPY / bulk_create (no signals): keep every home's state now.
        carehome_state_rebuild()
        organisation_hours_rebuild()
        visit_totals_rebuild()
        day_counts_rebuild()
    data_changed()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # VACUUM also sets the visibility map, so index-only scans need no heap fetches.
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
    return current_counts()
