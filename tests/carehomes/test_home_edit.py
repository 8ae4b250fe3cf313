"""Care homes changed or added by hand by the project manager (issue 14): the services, the pages,
the "Change" links, and what the next CQC import does with a field changed in the hub."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from carehomes import services
from carehomes.imports import cqc, cqc_formats
from carehomes.models import CareHome, CareHomeState
from config.freshness import data_version
from organisations.models import ImportRun
from tests.carehomes.test_imports import directory_file, hsca_rows, to_csv, token_in
from tests.factories import (
    CareHomeFactory,
    PcnFactory,
    PracticeFactory,
    SpecialismFactory,
)
from tests.snapshots import changed_tables, table_snapshot

pytestmark = pytest.mark.django_db

NHS_NUMBER = "943 476 5919"  # valid under Modulus 11


@pytest.fixture
def home():
    return CareHomeFactory(
        name="Meadow View Care Home",
        cqc_location_id="1-101234567",
        postcode="LS7 3EX",
        beds=42,
        address="12 Moor Road, Leeds",
        home_type="nursing",
        locality="Leeds North",
    )


def form_data(home, **changes):
    data = {
        "name": home.name,
        "cqc_location_id": home.cqc_location_id or "",
        "address": home.address,
        "postcode": home.postcode,
        "phone": home.phone,
        "locality": home.locality,
        "pcn": home.pcn.ods_code if home.pcn else "",
        "practice": home.practice.ods_code if home.practice else "",
        "beds": str(home.beds),
        "home_type": home.home_type,
        "specialisms": [s.pk for s in home.specialisms.all()],
    }
    data.update(changes)
    return data


# Services ----------------------------------------------------------------------------------------


def test_update_saves_the_changed_fields_with_history_and_remembers_them(home, pm_user):
    practice = PracticeFactory(name="Chapel Allerton Surgery")
    dementia = SpecialismFactory(code="dementia", name="Dementia")
    saved = services.care_home_update(
        by=pm_user,
        care_home=home,
        name="Meadow View",
        beds=44,
        phone="0113 496 0000",
        practice=practice,
        specialisms=[dementia],
        address=home.address,  # the same: not counted as changed
    )
    home.refresh_from_db()
    assert (home.name, home.beds, home.phone, home.practice) == ("Meadow View", 44, "0113 496 0000", practice)
    assert list(home.specialisms.all()) == [dementia]
    assert home.hub_changed_fields == ["beds", "name", "phone", "practice", "specialisms"]
    assert saved.changed_fields == ["name", "phone", "practice", "beds", "specialisms"]
    record = home.history.first()
    assert record.history_user == pm_user and record.history_type == "~"
    assert "specialisms: none → Dementia" in record.history_change_reason


def test_update_with_nothing_changed_saves_nothing(home, pm_user):
    before = table_snapshot()
    saved = services.care_home_update(by=pm_user, care_home=home, name=home.name, beds=home.beds)
    assert saved.changed_fields == []
    assert not changed_tables(before, table_snapshot())


def test_update_is_for_the_project_manager(home, pharmacist_user, slt_user):
    for user in (pharmacist_user, slt_user):
        with pytest.raises(PermissionDenied):
            services.care_home_update(by=user, care_home=home, name="Renamed")
    home.refresh_from_db()
    assert home.name == "Meadow View Care Home"


def test_update_refuses_another_homes_cqc_id_and_patient_data(home, pm_user):
    CareHomeFactory(cqc_location_id="1-999999999")
    with pytest.raises(ValidationError) as refused:
        services.care_home_update(by=pm_user, care_home=home, cqc_location_id="1-999999999")
    assert (
        "Another care home already has the CQC location ID 1-999999999."
        in refused.value.message_dict["cqc_location_id"]
    )
    with pytest.raises(ValidationError) as refused:
        services.care_home_update(by=pm_user, care_home=home, address=f"Resident {NHS_NUMBER}")
    assert "NHS number" in refused.value.message_dict["address"][0]
    home.refresh_from_db()
    assert home.address == "12 Moor Road, Leeds" and home.hub_changed_fields == []


@pytest.mark.django_db(transaction=True)  # the data version goes up when the write commits
def test_create_by_hand_needs_no_cqc_id_and_keeps_the_state_and_figures_fresh(pm_user):
    pcn = PcnFactory(name="Chapeltown PCN")
    version = data_version()
    home = services.care_home_create_by_hand(
        by=pm_user,
        name="New Lodge",
        postcode="ls6 2ab",
        locality="Leeds North",
        home_type="residential",
        pcn=pcn,
    )
    assert (home.cqc_location_id, home.postcode, home.pcn) == (None, "LS6 2AB", pcn)
    assert CareHomeState.objects.filter(care_home=home).exists()
    assert data_version() > version
    assert home.history.first().history_user == pm_user
    # A second home with no CQC location ID is fine too (the ID is unique only when given).
    services.care_home_create_by_hand(
        by=pm_user, name="Other Lodge", postcode="LS6 2AB", locality="Leeds North", home_type="nursing"
    )


def test_create_by_hand_validates_a_cqc_id_when_given(pm_user, orglead_user):
    with pytest.raises(ValidationError) as refused:
        services.care_home_create_by_hand(
            by=pm_user,
            name="X",
            postcode="LS6 2AB",
            locality="Leeds",
            home_type="nursing",
            cqc_location_id="X-1",
        )
    assert "cqc_location_id" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.care_home_create_by_hand(
            by=orglead_user, name="X", postcode="LS6 2AB", locality="Leeds", home_type="nursing"
        )
    assert not CareHome.objects.exists()


# The home's page: "Change" links -----------------------------------------------------------------


def test_home_page_has_change_links_for_the_project_manager(client_for, pm_user, home):
    html = client_for(pm_user).get(f"/care-homes/{home.pk}/").content.decode()
    link = re.search(
        rf'<a class="nhsuk-link" href="/care-homes/{home.pk}/edit/\?field=beds">(.*?)</a>', html, re.S
    )
    assert link, "a Change link for beds"
    text = re.sub(r"\s+", " ", link.group(1))
    assert "Change" in text and '<span class="nhsuk-u-visually-hidden"> beds</span>' in text
    for name in (
        "name",
        "address",
        "postcode",
        "phone",
        "locality",
        "pcn",
        "practice",
        "home_type",
        "specialisms",
    ):
        assert f"/care-homes/{home.pk}/edit/?field={name}" in html


@pytest.mark.parametrize("role", ["slt_user", "pharmacist_user"])
def test_other_roles_see_no_change_links_and_get_403(request, client_for, role, home):
    from tests.factories import AssignmentFactory

    user = request.getfixturevalue(role)
    if role == "pharmacist_user":
        AssignmentFactory(care_home=home, staff=user.staff_member)
    client = client_for(user)
    response = client.get(f"/care-homes/{home.pk}/")
    assert response.status_code == 200
    assert "/edit/" not in response.content.decode()
    assert client.get(f"/care-homes/{home.pk}/edit/").status_code == 403
    assert client.post(f"/care-homes/{home.pk}/edit/", form_data(home, name="Hijacked")).status_code == 403
    assert client.get("/care-homes/add/").status_code == 403
    assert client.post("/care-homes/add/", form_data(home, cqc_location_id="")).status_code == 403
    home.refresh_from_db()
    assert home.name == "Meadow View Care Home"


def autofocused(html):
    return re.findall(r"<input[^>]*\bautofocus\b[^>]*>", html)


@pytest.mark.parametrize(
    ("field", "input_id"),
    [("beds", "id_beds"), ("home_type", "id_home_type"), ("specialisms", "id_specialisms")],
)
def test_edit_form_focuses_the_field_the_change_link_named(client_for, pm_user, home, field, input_id):
    SpecialismFactory(code="dementia", name="Dementia")
    html = client_for(pm_user).get(f"/care-homes/{home.pk}/edit/?field={field}").content.decode()
    focused = autofocused(html)
    assert len(focused) == 1 and f'id="{input_id}"' in focused[0]
    assert 'value="42"' in html  # the form starts with the home's details


def test_edit_form_ignores_an_unknown_field_name(client_for, pm_user, home):
    html = client_for(pm_user).get(f"/care-homes/{home.pk}/edit/?field=<script>").content.decode()
    assert autofocused(html) == [] and "<script>" not in html.split("<main")[1].split("</main>")[0]


def test_edit_saves_and_the_home_page_says_what_changed(client_for, pm_user, home):
    client = client_for(pm_user)
    response = client.post(f"/care-homes/{home.pk}/edit/", form_data(home, beds="44", phone="0113 496 0000"))
    assert response.status_code == 302 and response["Location"] == f"/care-homes/{home.pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "Meadow View Care Home: phone number and beds saved." in html
    assert "0113 496 0000" in html
    # The history says who changed what; the bookkeeping list of hub-changed fields is not shown
    assert "<li>Beds: 42 → 44</li>" in html and "Hub changed fields" not in html
    assert re.search(r'id="kept-in-hub">Changed in the hub, so the CQC import keeps them:\s*beds\.', html)
    home.refresh_from_db()
    assert home.beds == 44 and home.hub_changed_fields == ["beds", "phone"]


def test_a_refused_edit_shows_every_error_and_keeps_what_was_typed(client_for, pm_user, home):
    client = client_for(pm_user)
    before = table_snapshot()
    response = client.post(
        f"/care-homes/{home.pk}/edit/",
        form_data(
            home,
            name="",
            postcode="NOT A POSTCODE",
            address=f"Flat for {NHS_NUMBER}",
            phone="12345",
            beds="lots",
            pcn="NOPE1",
            cqc_location_id="X-1",
            locality="Leeds Typed North",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: " in html and 'class="nhsuk-error-summary"' in html
    summary = html.split('class="nhsuk-error-summary"')[1].split("</div>")[0]
    for message, anchor in [
        ("Enter the care home&#39;s name.", "id_name"),
        ("Enter a real UK postcode", "id_postcode"),
        ("Do not record patient-identifiable data", "id_address"),
        ("Enter a UK phone number", "id_phone"),
        ("Enter the number of beds as a whole number", "id_beds"),
        ("No PCN has the ODS code or name “NOPE1”.", "id_pcn"),
        ("Enter the CQC location ID as 1- followed by", "id_cqc_location_id"),
    ]:
        assert message in summary and f'href="#{anchor}"' in summary, (message, summary)
    assert 'value="Leeds Typed North"' in html and 'value="lots"' in html and 'value="NOPE1"' in html
    assert not changed_tables(before, table_snapshot())


def test_add_by_hand_without_a_cqc_id(client_for, pm_user):
    pcn = PcnFactory(name="Chapeltown PCN", ods_code="U12345")
    client = client_for(pm_user)
    assert 'href="/care-homes/add/"' in client.get("/care-homes/").content.decode()
    page = client.get("/care-homes/add/").content.decode()
    assert "Add a care home" in page and len(autofocused(page)) == 1
    response = client.post(
        "/care-homes/add/",
        {
            "name": "New Lodge",
            "cqc_location_id": "",
            "postcode": "ls62ab",
            "locality": "Leeds North",
            "pcn": "u12345",
            "beds": "12",
            "home_type": "residential",
        },
    )
    home = CareHome.objects.get(name="New Lodge")
    assert response.status_code == 302 and response["Location"] == f"/care-homes/{home.pk}/"
    assert (home.cqc_location_id, home.postcode, home.pcn, home.beds) == (None, "LS6 2AB", pcn, 12)
    html = client.get(response["Location"]).content.decode()
    assert "New Lodge added." in html and "Added by hand: no CQC location ID yet" in html


def test_edit_page_queries_do_not_grow_with_specialisms_or_homes(client_for, pm_user, home):
    client = client_for(pm_user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/care-homes/{home.pk}/edit/?field=name").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(5):
        home.specialisms.add(SpecialismFactory(code=f"s{i}", name=f"Specialism {i}"))
        CareHomeFactory()
    assert count() == small


# The CQC import keeps what was changed in the hub ------------------------------------------------


@pytest.fixture
def register(home):
    SpecialismFactory(code="dementia", name="Dementia")
    SpecialismFactory(code="older-people", name="Older people")
    return home


def test_the_import_keeps_a_field_changed_in_the_hub_and_says_so(register, pm_user, client_for):
    home = register
    services.care_home_update(by=pm_user, care_home=home, name="Meadow View (Moor Road)")
    data = to_csv(hsca_rows())  # a longer address and 48 beds for this home
    data = data.replace(b"Meadow View Care Home", b"Meadow View Care Home Ltd")
    preview = cqc.cqc_import_preview(cqc_formats.parse_cqc(data, "HSCA_Active_Locations.csv"))
    assert [(h.pk, kept) for _row, h, kept in preview.kept] == [
        (home.pk, [("name", "Meadow View (Moor Road)", "Meadow View Care Home Ltd")])
    ]
    assert [(h.pk, [c[0] for c in ch]) for _r, h, ch in preview.changed] == [(home.pk, ["address", "beds"])]

    # The preview page lists it.
    client = client_for(pm_user)
    upload = SimpleUploadedFile("HSCA_Active_Locations.csv", data, content_type="text/csv")
    html = client.post("/care-homes/import/", {"file": upload}).content.decode()
    assert "Kept: changed in the hub (1)" in html
    assert (
        "name “Meadow View (Moor Road)” kept: changed in the hub (the file has “Meadow View Care Home Ltd”)"
        in html
    )

    _p, applied = cqc.cqc_import_apply(by=pm_user, data=data, skip_bad_rows=True, confirm_many_missing=True)
    assert applied
    home.refresh_from_db()
    assert home.name == "Meadow View (Moor Road)", "kept: changed in the hub"
    assert home.beds == 48, "a field not changed in the hub still follows the file"
    assert home.address == "12 Moor Road, Chapel Allerton, Leeds, West Yorkshire"
    assert home.history.first().history_user == pm_user


def test_a_home_added_by_hand_without_a_cqc_id_is_never_missing_from_the_file(register, pm_user):
    by_hand = services.care_home_create_by_hand(
        by=pm_user, name="New Lodge", postcode="LS6 2AB", locality="Leeds North", home_type="residential"
    )
    preview = cqc.cqc_import_preview(cqc_formats.parse_cqc(directory_file(), "x.csv"))
    assert by_hand not in preview.missing
    assert preview.hub_homes == 1  # the home with a CQC ID; not the one added by hand


# A file that would leave many homes missing ----------------------------------------------------


@pytest.fixture
def big_register(register):
    """The register's home (in the directory file) and 19 more that no test file lists."""
    return [register, *(CareHomeFactory() for _ in range(19))]


def test_the_import_warns_and_waits_for_confirmation_when_many_homes_would_be_missing(
    big_register, client_for, pm_user
):
    data = to_csv(hsca_rows())
    preview = cqc.cqc_import_preview(cqc_formats.parse_cqc(data, "HSCA.csv"))
    assert preview.many_missing
    assert preview.many_missing_message == (
        "This file would leave 19 of 20 homes missing — it may be the wrong or a partial file"
    )
    before = table_snapshot()
    _p, applied = cqc.cqc_import_apply(by=pm_user, data=data, skip_bad_rows=True)
    assert not applied and not changed_tables(before, table_snapshot())
    assert not ImportRun.objects.exists()

    client = client_for(pm_user)
    upload = SimpleUploadedFile("HSCA.csv", data, content_type="text/csv")
    response = client.post("/care-homes/import/", {"file": upload})
    before = table_snapshot()  # after signing in
    html = response.content.decode()
    assert "This file would leave 19 of 20 homes missing — it may be the wrong or a partial file" in html
    assert 'name="confirm_many_missing"' in html
    token = token_in(response)
    refused = client.post("/care-homes/import/confirm/", {"token": token, "skip_bad_rows": "on"})
    assert refused.status_code == 400
    assert 'class="nhsuk-error-summary"' in refused.content.decode()
    assert 'href="#id_confirm_many_missing"' in refused.content.decode()
    assert not changed_tables(before, table_snapshot())

    done = client.post(
        "/care-homes/import/confirm/", {"token": token, "skip_bad_rows": "on", "confirm_many_missing": "on"}
    )
    assert done.status_code == 302
    assert CareHome.objects.filter(registration_status=CareHome.Registration.MISSING).count() == 19


def test_a_few_homes_missing_need_no_confirmation(register, pm_user):
    """1 of 11 homes (9%) missing: under the 10% share, the import goes ahead."""
    for i in range(9):
        CareHomeFactory(cqc_location_id=f"1-77700000{i}")
    CareHomeFactory(cqc_location_id="1-666666666", name="Gone Away House")
    rows = hsca_rows()
    extra = [list(rows[2]) for _ in range(9)]
    location = rows[0].index("Location ID")
    for i, row in enumerate(extra):
        row[location] = f"1-77700000{i}"
    data = to_csv([*rows, *extra])
    preview = cqc.cqc_import_preview(cqc_formats.parse_cqc(data, "HSCA.csv"))
    assert [h.name for h in preview.missing] == ["Gone Away House"] and preview.hub_homes == 11
    assert not preview.many_missing
    _p, applied = cqc.cqc_import_apply(by=pm_user, data=data, skip_bad_rows=True)
    assert applied


def test_the_count_setting_warns_too(register, settings):
    settings.HUB = {**settings.HUB, "CQC_MISSING_WARN_SHARE": 1.0, "CQC_MISSING_WARN_COUNT": 0}
    CareHomeFactory(name="Gone Away House")
    preview = cqc.cqc_import_preview(cqc_formats.parse_cqc(to_csv(hsca_rows()), "HSCA.csv"))
    assert len(preview.missing) == 1 and preview.many_missing


def test_the_warning_writes_numbers_with_thousands_separators():
    preview = cqc.CqcPreview(parsed=cqc_formats.ParsedFile("x"), missing=[object()] * 412, hub_homes=1050)
    assert preview.many_missing_message.startswith("This file would leave 412 of 1,050 homes missing")


def test_the_command_line_import_refuses_many_missing_without_its_flag(big_register, tmp_path):
    import io

    from django.core.management import CommandError, call_command

    path = tmp_path / "HSCA.csv"
    path.write_bytes(to_csv(hsca_rows()))
    out = io.StringIO()
    with pytest.raises(CommandError, match="would leave 19 of 20 homes missing"):
        call_command("import_cqc_locations", str(path), "--skip-bad-rows", stdout=out)
    assert "Warning: This file would leave 19 of 20 homes missing" in out.getvalue()
    assert not CareHome.objects.filter(registration_status=CareHome.Registration.MISSING).exists()
    call_command(
        "import_cqc_locations", str(path), "--skip-bad-rows", "--confirm-many-missing", stdout=io.StringIO()
    )
    assert CareHome.objects.filter(registration_status=CareHome.Registration.MISSING).count() == 19
