"""manage.py import_ods and the service behind it, over real-shaped ODS report excerpts."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from carehomes.models import CareHome
from organisations import ods_files, ods_reports, services
from organisations.models import ImportRun, Organisation
from tests.factories import CareHomeFactory, OrganisationFactory, PcnFactory, PracticeFactory

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "ods_files"
ALL = sorted(str(p) for p in FILES.glob("*.csv"))


def run_command(*args):
    out = io.StringIO()
    call_command("import_ods", *args, stdout=out)
    return out.getvalue()


def org(code):
    return Organisation.objects.get(ods_code=code)


def practice_row(code="B86009", name="NEW PRACTICE", status="A", setting="4", closed="", opened="20200101"):
    cells = [
        code,
        name,
        "Y63",
        "QWO",
        "1 HIGH STREET",
        "",
        "LEEDS",
        "",
        "",
        "LS1 1AA",
        opened,
        closed,
        status,
    ]
    cells += ["B", "15F", opened, closed, "", "", "", "", "0", "", "15F", "", setting, ""]
    return ",".join(f'"{c}"' for c in cells) + "\r\n"


def test_a_months_files_create_organisations_with_kind_sector_and_parent():
    output = run_command(*ALL)

    assert org("QWO").kind == Organisation.Kind.COMMISSIONER
    assert org("15F").parent == org("QWO")
    assert org("U60001").kind == Organisation.Kind.PCN
    assert org("U60001").sector == "primary_care"
    assert org("U60001").parent == org("15F")
    practice = org("B86001")
    assert practice.kind == Organisation.Kind.GP_PRACTICE
    assert practice.name == "Burley Park Medical Centre"
    assert practice.postcode == "LS4 2EL"
    assert practice.opened_on == datetime.date(1974, 4, 1)
    assert practice.parent == org("U60001")
    assert org("B86002").parent == org("U60002"), "the current membership decides the PCN"
    assert org("FA321").kind == Organisation.Kind.COMMUNITY_PHARMACY
    assert org("RR8").kind == Organisation.Kind.NHS_TRUST, "a new trust waits for the PM to choose"
    assert org("RR8").name == "Leeds Teaching Hospitals NHS Trust"
    # Not GP practices, or closed before the hub knew them: not created.
    for code in ("Y02620", "Y04107", "B86003", "B86005", "U60009", "FQ714", "RJK", "02V", "U70001"):
        assert not Organisation.objects.filter(ods_code=code).exists(), code
    run = ImportRun.objects.get()
    assert (run.source, run.via, run.outcome) == ("ods", "command", "applied")
    assert run.rows == 31
    assert run.created == 17
    assert run.skipped == 10
    assert run.errors == 0
    assert len(run.file_hash) == 64
    assert "epraccur.csv" in run.file_name
    assert "New trust, choose its kind on the Imports page: Harrogate" in output


def test_a_second_run_of_the_same_files_changes_nothing():
    run_command(*ALL)
    history_rows = Organisation.history.count()
    before = {
        o.ods_code: (o.name, o.parent_id, o.is_active, o.updated_at) for o in Organisation.objects.all()
    }

    run_command(*ALL)

    second = ImportRun.objects.order_by("-pk").first()
    assert (second.created, second.updated, second.closed) == (0, 0, 0)
    assert Organisation.history.count() == history_rows
    assert {
        o.ods_code: (o.name, o.parent_id, o.is_active, o.updated_at) for o in Organisation.objects.all()
    } == before


def test_a_closed_practice_becomes_inactive_and_is_kept():
    closing = PracticeFactory(ods_code="B86003", name="Manor Park Surgery")

    run_command(*ALL)

    closing.refresh_from_db()
    assert closing.is_active is False
    assert closing.closed_on == datetime.date(2025, 3, 31)
    run = ImportRun.objects.get()
    assert run.closed == 1
    assert closing.history.first().history_change_reason == "ODS import"


def test_a_practice_that_moved_pcn_takes_its_care_homes_with_it(client_for, pm_user):
    old_pcn = PcnFactory(ods_code="U60001", name="Leeds Central PCN")
    new_pcn = PcnFactory(ods_code="U60002", name="West Leeds PCN")
    practice = PracticeFactory(ods_code="B86002", name="City View Medical Practice", parent=old_pcn)
    home = CareHomeFactory(name="Holbeck Grange", practice=practice, pcn=old_pcn)
    elsewhere = CareHomeFactory(name="Elsewhere House", pcn=old_pcn)

    output = run_command(*ALL)

    practice.refresh_from_db()
    home.refresh_from_db()
    elsewhere.refresh_from_db()
    assert practice.parent == new_pcn
    assert home.pcn == new_pcn
    assert elsewhere.pcn == old_pcn, "a home not aligned to the practice stays where it is"
    assert "ODS import" in home.history.first().history_change_reason
    run = ImportRun.objects.get()
    assert run.realigned == [
        {
            "care_home_id": home.pk,
            "care_home": "Holbeck Grange",
            "practice": "City View Medical Practice",
            "practice_code": "B86002",
            "old_pcn": "Leeds Central PCN",
            "new_pcn": "West Leeds PCN",
            "new_pcn_code": "U60002",
        }
    ]
    assert "Care home re-aligned: Holbeck Grange now in West Leeds PCN" in output
    page = client_for(pm_user).get(f"/care-homes/{home.pk}/").content.decode()
    assert "ODS import: its GP practice moved to another PCN" in page, "the home's history says why"
    # The membership history is not a second PCN: a re-run moves nothing.
    run_command(*ALL)
    assert ImportRun.objects.order_by("-pk").first().realigned == []


def test_a_practice_whose_memberships_all_ended_goes_back_to_its_commissioner(tmp_path):
    commissioner = OrganisationFactory(ods_code="15F", kind="commissioner", sector="commissioner")
    pcn = PcnFactory(ods_code="U60003", parent=commissioner)
    practice = PracticeFactory(ods_code="B86004", parent=pcn)
    ended = tmp_path / "epcncorepartnerdetails.csv"
    ended.write_text(
        '"B86004","ARMLEY MOOR HEALTH CENTRE","15F","X","U60003","ARMLEY AND BRAMLEY PCN","15F","X",'
        '"20190701","20240331","TRUE"\r\n'
    )

    run_command(str(ended))

    practice.refresh_from_db()
    assert practice.parent == commissioner


def test_names_and_postcodes_follow_the_files_and_a_known_trust_keeps_its_kind():
    trust = OrganisationFactory(ods_code="RR8", name="Leeds Teaching Hospitals NHS Trust", kind="acute_trust")
    pharmacy = OrganisationFactory(
        ods_code="FDK52", name="Headingley Chemist", kind="community_pharmacy", sector="community_pharmacy"
    )

    run_command(*ALL)

    trust.refresh_from_db()
    pharmacy.refresh_from_db()
    assert trust.name == "Leeds Teaching Hospitals NHS Trust", "a name differing only in capitals is kept"
    assert trust.postcode == "LS9 7TF"
    assert trust.kind == "acute_trust"
    assert pharmacy.name == "Headingley Pharmacy"
    assert ImportRun.objects.get().updated == 2


def test_a_changed_layout_fails_loudly_and_imports_nothing(tmp_path):
    changed = tmp_path / "epraccur.csv"
    changed.write_text(practice_row().replace("\r\n", ',""\r\n'))

    with pytest.raises(CommandError, match="28 columns on line 1; the GP practices .* has 27"):
        run_command(str(FILES / "etr.csv"), str(changed))

    assert not Organisation.objects.exists(), "not even the good file is half-imported"
    run = ImportRun.objects.get()
    assert run.outcome == "failed"
    assert "layout has changed" in run.messages[0]


def test_a_row_with_a_changed_layout_partway_fails_the_file(tmp_path):
    report = tmp_path / "epraccur.csv"
    report.write_text(practice_row() + practice_row("B86010").replace('"4",""', '"4"'))

    with pytest.raises(CommandError, match="26 columns on line 2"):
        run_command(str(report))
    assert not Organisation.objects.exists()


def test_a_dry_run_saves_and_records_nothing():
    output = run_command(*ALL, "--dry-run")

    assert "Created: 17" in output
    assert "Dry run: nothing was saved." in output
    assert not Organisation.objects.exists()
    assert not ImportRun.objects.exists()


def test_a_bad_row_is_reported_and_left_out_while_the_rest_import(tmp_path):
    report = tmp_path / "epraccur.csv"
    report.write_text(practice_row("B86009") + practice_row("B86010", opened="2020-01-01"))

    output = run_command(str(report))

    assert Organisation.objects.filter(ods_code="B86009").exists()
    assert not Organisation.objects.filter(ods_code="B86010").exists()
    assert "line 2: The open date “2020-01-01” is not a date written YYYYMMDD." in output
    assert ImportRun.objects.get().errors == 1


def test_an_nhs_number_in_a_name_is_refused_by_the_patient_data_validator(tmp_path):
    report = tmp_path / "epraccur.csv"
    report.write_text(practice_row("B86009", name="SURGERY 943 476 5919"))

    output = run_command(str(report))

    assert not Organisation.objects.filter(ods_code="B86009").exists()
    assert "NHS number" in output


def test_latin1_files_and_newer_statuses_and_role_ids_are_read(tmp_path):
    report = tmp_path / "epraccur.csv"
    newer = practice_row("B86011", name="CAFÉ QUARTER SURGERY", status="ACTIVE", setting="RO76")
    newer += practice_row("B86012", status="INACTIVE", closed="20240101")
    newer += practice_row("Y05555", status="ACTIVE", setting="RO177")
    report.write_bytes(newer.encode("latin-1"))

    run_command(str(report))

    assert org("B86011").name == "Café Quarter Surgery"
    assert set(Organisation.objects.values_list("ods_code", flat=True)) == {"B86011"}


def test_a_file_with_an_unhelpful_name_is_known_by_its_shape():
    data = (FILES / "epcn.csv").read_bytes()

    report = ods_reports.read_reports(data, "download (3).csv")[0]

    assert report.kind == ods_files.PCNS
    assert report.lines == 4


def test_a_zip_of_reports_is_read_member_by_member(tmp_path):
    archive = tmp_path / "reports.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name in ("epraccur.csv", "epcn.csv", "eccg.csv"):
            z.write(FILES / name, name)

    run_command(str(archive))

    assert org("B86001").parent == org("15F"), "no membership file: the practice's commissioner"
    assert org("U60001").parent == org("15F")


def test_a_report_the_hub_does_not_import_is_refused_by_name(tmp_path):
    sites = tmp_path / "ets.csv"
    sites.write_text('"RR801","ST JAMES"\r\n')

    with pytest.raises(CommandError, match="does not import"):
        run_command(str(sites))


def test_the_project_manager_chooses_a_new_trusts_kind(pm_user, pharmacist_user):
    run_command(str(FILES / "etr.csv"))
    trust = org("RCD")

    with pytest.raises(PermissionDenied):
        services.trust_kind_choose(by=pharmacist_user, organisation=trust, kind="acute_trust")
    with pytest.raises(ValidationError):
        services.trust_kind_choose(by=pm_user, organisation=trust, kind="gp_practice")
    services.trust_kind_choose(by=pm_user, organisation=trust, kind="mental_health_trust")

    trust.refresh_from_db()
    assert (trust.kind, trust.sector) == ("mental_health_trust", "mental_health")
    assert trust.history.first().history_user == pm_user


def test_only_a_coordinator_may_run_the_import_as_a_user(pharmacist_user, pm_user):
    files = [("etr.csv", (FILES / "etr.csv").read_bytes())]

    with pytest.raises(PermissionDenied):
        services.ods_import(by=pharmacist_user, files=files)
    _outcome, run = services.ods_import(by=pm_user, files=files, via=ImportRun.Via.UPLOAD)

    assert run.by == pm_user
    assert CareHome.objects.count() == 0


def test_a_verbatim_epraccur_excerpt_closes_a_practice_and_leaves_out_other_cost_centres():
    """Lines copied unchanged from a published epraccur file (verbatim/README.md says where from)."""
    closing = PracticeFactory(ods_code="A81003", name="Victoria Medical Practice")

    run_command(str(FILES / "verbatim" / "epraccur.csv"))

    assert org("A81001").kind == Organisation.Kind.GP_PRACTICE
    assert org("A81001").is_active and org("A81001").postcode == "TS18 1HU"
    closing.refresh_from_db()
    assert closing.is_active is False and closing.closed_on == datetime.date(2017, 10, 31)
    # A school nursing service (setting 9) and a community care service (setting 14) are not practices.
    assert not Organisation.objects.filter(ods_code__in=["Y06102", "Y06109"]).exists()
