"""The benchmark, small: a few hundred homes, so `make bench` keeps working. Not a timing test."""

import gc
import json

import pytest
from django.core.management import call_command

from carehomes.models import CareHome, Visit
from nonprod import scale
from organisations.models import Organisation

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def garbage_collector_put_back():
    """The bench settles its process's garbage collector as a deployed web process has it
    (config/garbage_collection.py); the rest of the suite runs with Python's defaults."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_seed_scale_builds_the_national_proportions_at_small_size():
    counts = scale.build(120)

    assert counts.care_homes == 120
    assert counts.pcns == 10
    assert counts.practices == 52
    assert counts.staff == 80
    assert counts.visits >= 15000
    # Every generated home is valid as people would type it.
    for home in CareHome.objects.order_by("?")[:20]:
        home.full_clean()
    assert Organisation.objects.filter(kind="pcn", pcn_care_homes__isnull=False).exists()
    assert Visit.objects.filter(care_home__pcn__isnull=False).exists()


@pytest.mark.django_db(transaction=True)  # the background writer has its own connection
def test_bench_command_measures_every_page_and_writes_results(tmp_path):
    output = tmp_path / "bench-results.json"

    call_command("bench", homes=120, requests=2, warmup=1, output=str(output))

    results = json.loads(output.read_text())
    assert results["scale"]["care_homes"] == 120
    from discharge.models import DischargeFollowUp

    assert DischargeFollowUp.objects.count() == 1600  # 200,000 a year for 15,000 homes, scaled
    assert set(results["pages"]) == {"cached", "uncached"}
    for mode, pages in results["pages"].items():
        assert set(pages) == {
            "/dashboard/",
            "/gaps/",
            "/gaps/ (filtered)",
            "/care-homes/",
            "/care-homes/ (filtered)",
            "care-home detail",
            "visit POST",
            "visit list page 1",
            "visit list page 2,000",
            "/discharges/",
            "/discharges/ (lost)",
            "/discharges/ (one home)",
            "/discharges/ (filtered)",
            "dashboard Discharges section",  # a section with no page of its own: timed as a read
        }
        for name, row in pages.items():
            assert row["p95_ms"] >= row["p50_ms"], (mode, name)
            assert row["queries"] > 0, (mode, name)
            if name not in ("visit POST", "dashboard Discharges section"):  # a redirect; a read
                assert row["bytes"] > 1000, (mode, name)
    # The background writer logged visits through the service for the whole run.
    assert results["writer"]["visits"] > 0
    assert results["writer"]["errors"] == 0
    # Read-your-writes: every load after a saved visit reflected it.
    assert results["stale_reads"]["checks"] > 0
    assert results["stale_reads"]["total"] == 0
    assert results["dashboard_uncached_vs_raw_sql"] > 0
    assert 0 < results["sign_in_cpu_ms"] < 1000
    assert "weekly gap report" in results["targets"]
    assert gc.get_freeze_count() > 0  # timed as a deployed web process: the loaded app frozen
    # The read API's targets are judged with the pages'.
    assert results["targets"]["API: 1,000 care homes"]["target_p95_ms"] == 100
    assert results["targets"]["API: visits CSV, rows/s"] == {
        "target_rows_per_s_min": 50_000,
        "rows_per_s": results["api"]["visits CSV"]["rows_per_s"],
        "met": results["api"]["visits CSV"]["rows_per_s"] >= 50_000,
    }
    api = results["api"]
    assert api["care-homes page of 1,000"]["rows"] == 120
    assert api["visits CSV"]["rows"] == Visit.objects.count()  # the scale set and the benchmark's own visits
    assert api["visits CSV"]["rows_per_s"] > 0


def test_bench_api_only_times_the_read_api_alone(tmp_path):
    output = tmp_path / "bench-api.json"

    call_command("bench", homes=120, requests=2, warmup=1, api_only=True, output=str(output))

    results = json.loads(output.read_text())
    assert "pages" not in results and "writer" not in results
    page = results["api"]["care-homes page of 1,000"]
    assert page["rows"] == 120 and page["queries"] > 0 and page["bytes"] > 1000
    assert 0 < page["cpu_p50_ms"] <= page["cpu_p95_ms"]
    assert results["api"]["visits CSV"]["rows"] == Visit.objects.count()
    assert results["conditions"]["load_average_at_end"]


def test_a_page_timed_late_in_a_run_still_counts_its_queries(client, django_user_model):
    """A whole bench run makes more than the 9,000 queries Django's query log keeps: once it was
    full, every later capture counted 0 (two discharge pages printed 0 queries at national scale)."""
    from django.db import connection

    from nonprod.bench.pages import timed, timed_read

    scale.build(homes=20)
    user = django_user_model.objects.create_user("bench-reader", is_superuser=True)
    client.force_login(user)
    connection.queries_log.extend({"sql": "", "time": "0"} for _ in range(connection.queries_limit))

    page = timed(client, "GET", "/care-homes/", requests=1, warmup=0)
    read = timed_read(lambda: list(CareHome.objects.all()[:1]), requests=1, warmup=0)

    assert page["queries"] > 0
    assert read["queries"] == 1
