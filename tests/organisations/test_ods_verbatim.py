"""import_ods over lines copied unchanged from published ODS reports (verbatim/README.md says where from)."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from organisations import ods_files
from organisations.models import ImportRun, Organisation
from tests.factories import CommunityPharmacyFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

VERBATIM = Path(__file__).parent / "ods_files" / "verbatim"


def run_command(*names):
    out = io.StringIO()
    call_command("import_ods", *(str(VERBATIM / name) for name in names), stdout=out)
    return out.getvalue()


def org(code):
    return Organisation.objects.get(ods_code=code)


def test_every_verbatim_excerpt_is_read_whole_in_its_published_layout():
    for path in sorted(VERBATIM.glob("*.csv")):
        report = ods_files.read_report(path.read_bytes(), path.name)
        assert report.problems == [], path.name
        assert report.lines == len(path.read_bytes().splitlines()), path.name


def test_sub_icb_locations_are_kept_and_commissioning_hubs_and_reporting_entities_are_not():
    run_command("eccg.csv")

    assert org("15F").kind == Organisation.Kind.COMMISSIONER
    assert org("15F").is_active
    assert org("36J").postcode == "BD1 4AS"
    # NHS England's national commissioning hub at Quarry House, Leeds (role RO218) and a London
    # sub-ICB reporting entity (RO327) are in the same report but are not sub-ICB locations.
    assert not Organisation.objects.filter(ods_code__in=["13Q", "Q0S2C"]).exists()
    # NHS Leeds North CCG closed in 2018, before the hub knew it: not created.
    assert not Organisation.objects.filter(ods_code="02V").exists()
    assert ImportRun.objects.get().skipped == 3


def test_the_icb_of_each_sub_icb_location_comes_from_eccg_itself():
    """No ODS report is published for ICBs: eccg gives each sub-ICB location's ICB code and name."""
    run_command("eccg.csv")

    west_yorkshire = org("QWO")
    assert west_yorkshire.name == "NHS West Yorkshire ICB"
    assert west_yorkshire.kind == Organisation.Kind.COMMISSIONER
    assert west_yorkshire.sector == "commissioner"
    assert org("15F").parent == west_yorkshire
    assert org("36J").parent == west_yorkshire
    # Only open sub-ICB locations name an ICB: not the reporting entity's QKK, nor a closed CCG's.
    assert not Organisation.objects.filter(ods_code="QKK").exists()
    assert ImportRun.objects.get().created == 3

    run_command("eccg.csv")
    assert (ImportRun.objects.order_by("-pk").first().created, Organisation.history.count()) == (0, 3)


def test_an_icb_the_hub_holds_keeps_its_name():
    held = OrganisationFactory(
        ods_code="QWO", name="West Yorkshire Health and Care Partnership", kind=Organisation.Kind.COMMISSIONER
    )

    run_command("eccg.csv")

    held.refresh_from_db()
    assert held.name == "West Yorkshire Health and Care Partnership"
    assert org("15F").parent == held


def test_an_icb_file_given_by_hand_names_the_icb():
    call_command(
        "import_ods", str(VERBATIM.parent / "eicb.csv"), str(VERBATIM / "eccg.csv"), stdout=io.StringIO()
    )
    assert org("QWO").name == "NHS West Yorkshire Integrated Care Board"


def test_a_ccg_the_hub_held_is_closed_by_the_published_close_date():
    leeds_north = OrganisationFactory(
        ods_code="02V", name="NHS Leeds North CCG", kind=Organisation.Kind.COMMISSIONER
    )

    run_command("eccg.csv")

    leeds_north.refresh_from_db()
    assert leeds_north.is_active is False
    assert leeds_north.closed_on == datetime.date(2018, 3, 31)


def test_trusts_new_to_the_hub_wait_for_the_pm_and_a_closed_trust_is_not_created():
    known = OrganisationFactory(
        ods_code="RR8", name="Leeds Teaching Hospitals", kind=Organisation.Kind.ACUTE_TRUST
    )

    run_command("etr.csv")

    known.refresh_from_db()
    assert known.kind == Organisation.Kind.ACUTE_TRUST
    assert known.postcode == "LS9 7TF"
    for code in ("RY6", "RGD", "RXF"):
        assert org(code).kind == Organisation.Kind.NHS_TRUST  # the files do not say acute, mental health…
    assert org("RY6").postcode == "LS11 0DL"
    assert not Organisation.objects.filter(ods_code="R1C").exists()  # Solent NHS Trust, closed 2024


def test_community_pharmacies_are_created_and_a_closed_one_becomes_inactive():
    merrion = CommunityPharmacyFactory(ods_code="FA008", name="Boots, Merrion Centre")

    run_command("edispensary.csv")

    assert org("FA231").kind == Organisation.Kind.COMMUNITY_PHARMACY
    assert org("FA231").is_active and org("FA231").postcode == "LS12 3EY"
    assert org("FA793").is_active
    merrion.refresh_from_db()
    assert merrion.is_active is False
    assert merrion.closed_on == datetime.date(2024, 1, 13)


def test_a_second_run_of_the_verbatim_files_changes_nothing():
    names = ["eccg.csv", "etr.csv", "edispensary.csv", "epraccur.csv"]
    run_command(*names)
    first = ImportRun.objects.latest("pk")

    run_command(*names)
    second = ImportRun.objects.latest("pk")

    assert first.created == 10
    assert (second.created, second.updated, second.closed) == (0, 0, 0)


def test_a_2025_leeds_epraccur_excerpt_files_a_practice_under_its_sub_icb_and_closes_another():
    oakwood = OrganisationFactory(
        ods_code="B86654", name="Oakwood Surgery", kind=Organisation.Kind.GP_PRACTICE
    )

    run_command("eccg.csv", "epraccur-leeds-2025.csv")

    highfield = org("B86004")
    assert highfield.kind == Organisation.Kind.GP_PRACTICE
    assert highfield.parent == org("15F")  # no PCN membership read: its commissioner
    assert highfield.postcode == "LS16 7RX"
    oakwood.refresh_from_db()
    assert oakwood.is_active is False
    assert oakwood.closed_on == datetime.date(2025, 2, 28)
    # An out-of-hours service (setting 2) and community care beds (setting 14) are not GP practices.
    assert not Organisation.objects.filter(ods_code__in=["Y01231", "Y05993"]).exists()
