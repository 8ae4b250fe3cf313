"""Two runs of one week's report at the same moment leave one report (PostgreSQL)."""

import threading

import pytest
from django.db import connections

from actionplan import gap_report_selectors, gap_report_services
from actionplan.models import GapReport
from tests.factories import CareHomeFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


def run_together(target, count=2):
    """Start `count` threads at one barrier, each on its own connection; return their results."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(i):
        try:
            barrier.wait(timeout=10)
            results[i] = target()
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    return results


def test_two_concurrent_runs_for_one_week_leave_one_report(monkeypatch):
    CareHomeFactory()
    compute = gap_report_selectors.compute_report_data
    both_computed = threading.Barrier(2)

    def slow_compute(week, **kwargs):
        data = compute(week, **kwargs)
        both_computed.wait(timeout=10)  # both have seen "no report yet" before either writes
        return data

    monkeypatch.setattr(gap_report_selectors, "compute_report_data", slow_compute)
    first, second = run_together(lambda: gap_report_services.gap_report_generate(week="2026-W48"))
    assert GapReport.objects.filter(week="2026-W48").count() == 1
    assert first.pk == second.pk


def test_two_concurrent_regenerations_make_one_new_version(monkeypatch):
    """Both runs have computed their figures before either writes (a barrier forces the overlap):
    the database lets one new version through and the other run returns it; never two current."""
    CareHomeFactory()
    gap_report_services.gap_report_generate(week="2026-W48", notify=False)
    compute = gap_report_selectors.compute_report_data
    both_computed = threading.Barrier(2)

    def slow_compute(week, **kwargs):
        data = compute(week, **kwargs)
        both_computed.wait(timeout=10)
        return data

    monkeypatch.setattr(gap_report_selectors, "compute_report_data", slow_compute)
    first, second = run_together(
        lambda: gap_report_services.gap_report_generate(week="2026-W48", regenerate=True, notify=False)
    )

    versions = sorted(GapReport.objects.filter(week="2026-W48").values_list("version", "is_current"))
    assert versions == [(1, False), (2, True)]
    assert first.pk == second.pk
