"""The monthly ODS import task, run for real against a local HTTP server serving the sample reports."""

import io
import zipfile
from pathlib import Path

import pytest
from werkzeug.wrappers import Response

from organisations.models import ImportRun, Organisation
from organisations.ods_fetch import OdsFetchError, OdsFetchRefused
from organisations.ods_files import OdsLayoutError
from organisations.tasks import backoff_seconds, import_ods_monthly

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "ods_files"
REPORTS = ["eicb", "eccg", "etr", "edispensary", "epcn", "epraccur", "epcncorepartnerdetails"]


class ExportService:
    """The ODS export service as the task sees it: `?report=<name>[&lastChangeStart=...]`."""

    def __init__(self, failures=None, bodies=None, folder=FILES):
        self.folder = folder
        self.requests = []
        self.failures = dict(failures or {})  # report -> how many times to answer 503 (-1: always)
        self.bodies = bodies or {}

    def __call__(self, request):
        args = dict(request.args)
        self.requests.append(args)
        name = args["report"]
        if self.failures.get(name):
            self.failures[name] -= 1
            return Response("Service unavailable", status=503)
        if name in self.bodies:
            return Response(self.bodies[name], content_type="application/octet-stream")
        path = self.folder / f"{name}.csv"
        if not path.exists():
            return Response("No such report", status=404)
        return Response(path.read_bytes(), content_type="text/csv")

    def asked_for(self, name):
        return [args for args in self.requests if args["report"] == name]


@pytest.fixture(autouse=True)
def retries_run_in_process(monkeypatch):
    """`apply()` runs the task in this process and re-runs its retries (countdown skipped) when it does not propagate
    each attempt's Retry; the final outcome still reaches the caller through `.get()`."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "task_eager_propagates", False)


@pytest.fixture
def export_service(httpserver, settings):
    """Point the hub at a local export service; the test sets how it behaves."""
    settings.ODS_EXPORT_URL = httpserver.url_for("/api/getReport")
    settings.ODS_REPORTS = REPORTS

    def serve(**behaviour):
        service = ExportService(**behaviour)
        httpserver.expect_request("/api/getReport").respond_with_handler(service)
        return service

    return serve


def test_the_monthly_task_fetches_every_report_and_imports_them(export_service):
    service = export_service()

    result = import_ods_monthly.apply().get()

    assert result["outcome"] == "applied"
    assert result["created"] == 17
    assert Organisation.objects.get(ods_code="B86002").parent.ods_code == "U60002"
    run = ImportRun.objects.get()
    assert (run.via, run.outcome) == ("task", "applied")
    assert "epraccur.csv" in run.file_name
    assert all("lastChangeStart" not in args for args in service.requests), (
        "the first run asks for everything"
    )


def test_the_next_run_asks_for_changes_since_the_last_and_changes_nothing(export_service):
    service = export_service()
    import_ods_monthly.apply().get()
    first_run = ImportRun.objects.get()
    service.requests.clear()

    result = import_ods_monthly.apply().get()

    since = first_run.started_at.astimezone().date().isoformat()
    assert service.asked_for("epraccur") == [{"report": "epraccur", "lastChangeStart": since}]
    assert service.asked_for("epcncorepartnerdetails") == [{"report": "epcncorepartnerdetails"}], (
        "the membership report has no changes-only form: always whole"
    )
    assert (result["created"], result["updated"], result["closed"]) == (0, 0, 0)


def test_a_passing_network_failure_is_retried_and_the_import_happens_once(export_service):
    service = export_service(failures={"epcn": 2})

    result = import_ods_monthly.apply().get()

    assert result["outcome"] == "applied"
    assert len(service.asked_for("epcn")) == 3
    assert list(ImportRun.objects.values_list("outcome", flat=True)) == ["applied"]


def test_a_lasting_failure_part_way_imports_nothing_and_is_recorded(export_service):
    service = export_service(failures={"epraccur": -1})

    with pytest.raises(OdsFetchError, match="answered 503 for epraccur"):
        import_ods_monthly.apply().get()

    assert len(service.asked_for("epraccur")) == 6, "one try and five retries"
    assert service.asked_for("etr"), "reports before it had arrived..."
    assert not Organisation.objects.exists(), "...and still nothing was half-imported"
    run = ImportRun.objects.get()
    assert (run.via, run.outcome) == ("task", "failed")
    assert "Gave up after 6 attempts" in run.messages[0]


def test_an_unreachable_service_is_retried_then_recorded(settings):
    settings.ODS_EXPORT_URL = "http://127.0.0.1:9/api/getReport"
    settings.ODS_REPORTS = ["epraccur"]

    with pytest.raises(OdsFetchError, match="could not be reached"):
        import_ods_monthly.apply().get()

    assert ImportRun.objects.get().outcome == "failed"


def test_a_changed_layout_fails_loudly_without_retrying_and_imports_nothing(export_service):
    widened = (FILES / "epraccur.csv").read_bytes().replace(b'""\r\n', b'"",""\r\n')
    service = export_service(bodies={"epraccur": widened})

    with pytest.raises(OdsLayoutError, match="28 columns on line 1"):
        import_ods_monthly.apply().get()

    assert len(service.asked_for("epraccur")) == 1
    assert not Organisation.objects.exists()
    run = ImportRun.objects.get()
    assert run.outcome == "failed"
    assert "layout has changed" in run.messages[0]


def test_a_refused_report_is_not_retried(export_service, settings):
    settings.ODS_REPORTS = ["epraccur", "no-such-report"]
    service = export_service()

    with pytest.raises(OdsFetchRefused, match="refused the report no-such-report"):
        import_ods_monthly.apply().get()

    assert len(service.asked_for("no-such-report")) == 1
    assert ImportRun.objects.get().outcome == "failed"


def test_a_zipped_answer_is_read(export_service, settings):
    settings.ODS_REPORTS = ["bundle"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("eccg", "epcn", "epraccur"):
            z.write(FILES / f"{name}.csv", f"{name}.csv")
    export_service(bodies={"bundle": archive.getvalue()})

    import_ods_monthly.apply().get()

    assert Organisation.objects.get(ods_code="B86001").parent.ods_code == "15F"


def test_without_a_configured_url_the_task_does_nothing(settings):
    settings.ODS_EXPORT_URL = ""

    assert import_ods_monthly.apply().get() == {"outcome": "not configured"}
    assert not ImportRun.objects.exists()


def test_backoff_doubles_up_to_an_hour():
    assert [backoff_seconds(n) for n in range(8)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_the_task_is_on_the_beat_schedule_monthly():
    from config.celery import app

    entry = app.conf.beat_schedule["monthly-ods-import"]
    assert entry["task"] == import_ods_monthly.name
    assert entry["schedule"].day_of_month == {2}


def test_the_default_reports_are_ones_the_export_service_publishes():
    """The default ODS_REPORTS once asked for `edispn`, which the service refuses: every monthly run failed."""
    from django.core.management import call_command

    from organisations.ods_fetch import check_ods_reports

    assert check_ods_reports() == []
    call_command("check", fail_level="WARNING")


def test_a_report_name_the_service_does_not_publish_is_warned_of(settings):
    from organisations.ods_fetch import check_ods_reports

    settings.ODS_REPORTS = ["epraccur", "edispn"]

    (warning,) = check_ods_reports()
    assert warning.id == "organisations.W001"
    assert "edispn" in warning.msg and "edispensary" in warning.hint


def test_the_monthly_task_imports_verbatim_published_reports_served_by_name(export_service, settings):
    """The export service answering with lines copied unchanged from published reports (verbatim/README.md)."""
    settings.ODS_REPORTS = ["eccg", "etr", "edispensary", "epraccur"]
    service = export_service(folder=FILES / "verbatim")

    result = import_ods_monthly.apply().get()

    assert result["outcome"] == "applied"
    assert [args["report"] for args in service.requests] == settings.ODS_REPORTS
    assert Organisation.objects.get(ods_code="15F").kind == Organisation.Kind.COMMISSIONER
    # No ICB report is asked for: the ICB comes with eccg, which names it for each sub-ICB location.
    assert Organisation.objects.get(ods_code="15F").parent.name == "NHS West Yorkshire ICB"
    assert Organisation.objects.get(ods_code="RY6").kind == Organisation.Kind.NHS_TRUST
    assert Organisation.objects.get(ods_code="FA231").kind == Organisation.Kind.COMMUNITY_PHARMACY
    assert Organisation.objects.get(ods_code="A81001").kind == Organisation.Kind.GP_PRACTICE
    # Closed before the hub knew them, or not what the hub keeps: not created.
    assert not Organisation.objects.filter(
        ods_code__in=["02V", "13Q", "R1C", "FA008", "A81003", "Y06102"]
    ).exists()
