"""Hostile input, property-based: every form, every filter and every import, fed junk.

For each form a user can POST (the table FORMS, checked against the URLconf), Hypothesis posts
either a valid form with a few fields made hostile or hostile values throughout (see
tests/security/hostile.py), as the role that may use the form. Every list page is asked for
junk query strings, and both imports are given junk bytes, junk CSVs (real headers, junk rows)
and junk workbooks, then their confirm step. The properties:

- never a server error (an exception in a view fails the test with the request to repeat);
- a refused request (4xx, or the form shown again) changes no row of the domain apps: no partial
  save; only a redirect (success) may write;
- a GET, and an import's preview, write nothing.

Each request runs in a savepoint that is rolled back, so the examples do not depend on one
another. At the end the module prints how many hostile requests it made (HOSTILE_STATS=1: per
page, how the hub answered); HOSTILE_EXAMPLES=500 runs a deeper hunt than CI's 25 per test.
A known-nasty table (test_imports_take_every_known_nasty_cell) pins the values that once broke
the imports, whatever Hypothesis happens to draw.
"""

import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from carehomes.models import Assignment, CareHome, Specialism, Visit
from carehomes.visits.services import COUNT_FIELDS
from organisations.models import Membership, Organisation, StaffMember
from tests.cqc_files import DIRECTORY_HEADER
from tests.security import hostile
from tests.security.hostile import HOURS, HSCA_HEADER, STAFF_HEADER, TRIED, dates
from tests.security.url_patterns import hub_pages
from tests.snapshots import changed_tables, table_snapshot
from workstreams.models import SupportRequest, Workstream

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

HYPOTHESIS = settings(
    # 25 examples per form keep the file near a minute; HOSTILE_EXAMPLES=500 for a deeper hunt.
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "25")),
    deadline=None,
    database=None,  # nothing written into the working tree; failures print their example
    # In CI the examples are the same on every run, so a failure there is replayed by running the
    # test again; on a laptop each run explores new ones (HOSTILE_EXAMPLES for more).
    derandomize=os.environ.get("CI", "").lower() in ("true", "1", "yes"),
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FORM_ENCODED = "application/x-www-form-urlencoded"
ERROR_SUMMARY = 'class="nhsuk-error-summary"'


def shows_error_summary(response):
    """The page (or htmx block) says "There is a problem": the form was refused."""
    return "html" in response.get("Content-Type", "") and ERROR_SUMMARY in response.content.decode(
        errors="replace"
    )


REDIRECTS = {301, 302, 303, 307, 308}


@pytest.fixture(scope="module", autouse=True)
def _report_count(request):
    """After the module: how many hostile requests were made, and how the hub answered them."""
    yield
    answers = Counter(status for statuses in TRIED["by_page"].values() for status in statuses)
    lines = [
        f"hostile input: {TRIED['requests']} hostile requests; status codes: "
        + ", ".join(f"{status} x {n}" for status, n in sorted(answers.items()))
    ]
    if os.environ.get("HOSTILE_STATS"):
        lines += [
            f"  {method} {path}: {dict(Counter(statuses))}"
            for (method, path), statuses in sorted(TRIED["by_page"].items())
        ]
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:  # pragma: no cover
        print("\n".join(lines))
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        for line in lines:
            reporter.write_line(line)


def _short(value, most=120):
    """A request's address or body for a failure message: long values cut, so the message stays readable."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_short(v, 60)}" for k, v in value.items()) + "}"
    text = value if isinstance(value, str) and value.startswith("/") else repr(value)  # an address as is
    return text if len(text) <= most else f"{text[:most]}... ({len(text)} characters)"


def send(client, method, url, *, role, data=None, htmx=False, files=None):
    """One hostile request in a rolled-back savepoint: never a 500, and no write unless it succeeded."""
    TRIED["requests"] += 1
    headers = {"HX-Request": "true"} if htmx else {}
    what = f"{method} {_short(url)} as {role or 'anonymous'}{' (htmx)' if htmx else ''} with {_short(data)}"
    with transaction.atomic():
        before = table_snapshot()
        try:
            if method == "GET":
                response = client.get(url, headers=headers)
            elif files is not None:
                response = client.post(url, {**(data or {}), **files}, headers=headers)
            else:
                body = urlencode(data or {}, doseq=True)
                response = client.post(url, body, content_type=FORM_ENCODED, headers=headers)
        except Exception as exc:
            TRIED["by_page"].setdefault((method, url.split("?")[0]), []).append(500)
            raise AssertionError(f"server error: {what}") from exc
        assert response.status_code < 500, f"{response.status_code}: {what}"
        # A refusal is a 4xx, or the page shown again with the NHS.UK error summary (htmx answers a
        # refused form with 200 and the form's block); a success redirects (or, for htmx, answers
        # the refreshed block with no error summary; a made API token is shown once, as 201 Created).
        refused = (
            response.status_code >= 400
            or shows_error_summary(response)
            or (response.status_code not in REDIRECTS | {201} and not htmx)
        )
        if method == "GET" or refused:
            changed = changed_tables(before, table_snapshot())
            assert not changed, f"{response.status_code} but rows changed in {sorted(changed)}: {what}"
        transaction.set_rollback(True)
    TRIED["by_page"].setdefault((method, url.split("?")[0]), []).append(response.status_code)
    return response


# Forms -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    url: str
    role: str | None  # who may use the form (None: anonymous)
    fields: Callable  # city -> {field name: plausible values}
    valid: Callable | None = None  # city -> a valid POST body (mutated by the strategy)
    kwargs: Callable = field(default=lambda c: {})
    longest: int | None = None  # values cut to this length (only for a known bug, see its test)

    def body(self, data):
        if self.longest is None:
            return data
        cut = self.longest
        return {k: [x[:cut] for x in v] if isinstance(v, list) else str(v)[:cut] for k, v in data.items()}

    @property
    def id(self):
        return f"{self.url}-{self.role or 'anonymous'}"


def pks(*objects):
    return [o.pk for o in objects]


def choices(enum):
    return list(enum.values)


def assignment_fields(c):
    return {
        "staff": pks(c.support, c.pharmacist, c.pcn_pharmacist),
        "role": choices(Assignment.Role),
        "hours_per_week": HOURS,
        "starts_on": dates(),
        "ends_on": dates(),
    }


def visit_fields(c, *, reason=False):
    fields = {
        "submission_token": [hostile.new_token(), "not-a-uuid"],
        "care_home": pks(c.home, c.other_home, c.no_lead_home),
        "visited_on": dates(),
        "mode": choices(Visit.Mode),
        "activities": list(Visit.ACTIVITIES),
        **{name: ["0", "3", "-1", "100000", "2147483648"] for name in COUNT_FIELDS},
        "escalation_summary": ["Escalated to the GP", "x" * 301],
        "minutes_spent": ["1", "60", "720", "721", "0"],
        "notes": ["Reviewed five residents.", "NHS 943 476 5919", "9434765919"],
        "confirm_duplicate": ["on", "true", "false"],
        "staff": pks(c.pharmacist, c.support),
    }
    if reason:
        fields["reason"] = ["wrong care home", "x" * 101]
    return fields


def visit_valid(c):
    return {
        "submission_token": hostile.new_token(),
        "care_home": c.home.pk,
        "visited_on": dates()[1],
        "mode": "video",
        "activities": ["smr", "audit"],
        "residents_reviewed": "3",
        "minutes_spent": "45",
        "notes": "Reviewed three residents.",
    }


def workstream_fields(c):
    return {
        "name": ["Discharge follow-up", c.workstream.name, "x" * 201],
        "description": ["Shared work."],
        "lead_organisation": pks(c.trust, c.pcn),
        "lead": pks(c.support, c.pharmacist),
        "status": choices(Workstream.Status),
        "participating_organisations": pks(c.trust, c.pcn, c.other_pcn),
        "care_homes": pks(c.home, c.other_home),
    }


def workstream_valid(c):
    return {
        "name": "Discharge follow-up",
        "description": "Shared work.",
        "lead_organisation": c.trust.pk,
        "status": "active",
        "participating_organisations": [c.pcn.pk],
        "care_homes": [c.home.pk],
    }


def request_fields(c):
    return {
        "title": ["Cover for a lead on leave", "x" * 201],
        "details": ["Two homes."],
        "hours_per_week": [*HOURS, "500", "500.5"],
        "skills": ["SMR"],
        "care_homes": pks(c.home, c.no_lead_home, c.other_home),
        "locality": ["Leeds North", "x" * 101],
        "needed_by": dates(),
        "urgency": choices(SupportRequest.Urgency),
        "organisation": pks(c.pcn, c.other_pcn, c.trust),
    }


def request_valid(c):
    return {
        "title": "Cover for a lead on leave",
        "hours_per_week": "4",
        "locality": "Leeds North",
        "needed_by": dates()[2],
        "urgency": "soon",
    }


def action_fields(c):
    return {
        "section": pks(c.section),
        "description": ["Check stock of end-of-life medicines.", "x" * 4001],
        "owner_organisation": pks(c.trust, c.pcn),
        "owner": pks(c.support, c.pcn_pharmacist),
        "due_on": dates(),
        "rag": ["red", "amber", "green"],
        "workstream": pks(c.workstream),
    }


def action_valid(c):
    return {
        "section": c.section.pk,
        "description": "Check stock of end-of-life medicines.",
        "owner_organisation": c.trust.pk,
        "due_on": dates()[2],
        "rag": "amber",
    }


def _home(c):
    return {"pk": c.home.pk}


def home_fields(c):
    """A care home's details form (edit and add by hand): every field, plausible and junk."""
    return {
        "name": ["Moor View Care Home", "Harehills Lodge", "x" * 201],
        "cqc_location_id": ["", "1-101234567", c.other_home.cqc_location_id, "1-", "X-123"],
        "address": ["1 Moor Road, Leeds", "x" * 301],
        "postcode": ["LS1 3EX", "ls13ex", "NOT A POSTCODE"],
        "phone": ["", "0113 496 0000", "+44 113 496 0000", "12345"],
        "locality": ["Leeds North", ""],
        "pcn": [c.pcn.ods_code or c.pcn.name, c.other_pcn.name, "NOPE1", ""],
        "practice": ["", "B86001", c.pcn.name],
        "beds": ["0", "42", "1000", "1001", "-1"],
        "home_type": choices(CareHome.HomeType),
        "specialisms": pks(*Specialism.objects.all()[:2]),
    }


def home_valid(c):
    return {
        "name": "Moor View Care Home",
        "postcode": "LS1 3EX",
        "locality": "Leeds North",
        "beds": "42",
        "home_type": "nursing",
    }


FORMS = [
    # Care homes, staff and assignments: the project manager.
    Form("carehomes:edit", "pm", home_fields, home_valid, _home),
    Form("carehomes:add", "pm", home_fields, home_valid),
    Form(
        "carehomes:assignment_add",
        "pm",
        assignment_fields,
        lambda c: {"staff": c.support.pk, "role": "support", "hours_per_week": "2", "starts_on": dates()[0]},
        _home,
    ),
    Form(
        "carehomes:lead_hand_over",
        "pm",
        lambda c: (
            {f"handover-{k}": v for k, v in assignment_fields(c).items() if k != "role"}
            | {"confirmed": ["yes", "", "no"]}
        ),
        lambda c: {
            "handover-staff": c.support.pk,
            "handover-hours_per_week": "2",
            "handover-starts_on": dates()[0],
            "confirmed": "yes",
        },
        _home,
    ),
    Form(
        "carehomes:outbreak",
        "pm",
        lambda c: {"status": choices(CareHome.Outbreak), "started_on": dates()},
        lambda c: {"status": "confirmed", "started_on": dates()[1]},
        _home,
    ),
    Form(
        "carehomes:assignment_end",
        "pm",
        lambda c: {"ends_on": dates(), "from": ["staff", "home"]},
        lambda c: {"ends_on": dates()[0]},
        lambda c: {"pk": c.support_assignment.pk},
    ),
    Form(
        "carehomes:staff_assign",
        "pm",
        lambda c: {
            **assignment_fields(c),
            "care_home": [c.no_lead_home.cqc_location_id, c.home.name, c.home.name.upper()],
        },
        lambda c: {
            "care_home": c.no_lead_home.cqc_location_id,
            "role": "lead",
            "hours_per_week": "2",
            "starts_on": dates()[0],
        },
        lambda c: {"pk": c.support.pk},
    ),
    Form(
        "carehomes:fill_gaps",
        "pm",
        lambda c: {
            "locality": ["Leeds North", "Leeds East", ""],
            "hours_per_week": [*HOURS, "40", "40.5"],
            "home": pks(c.no_lead_home, c.home, c.other_home),
            f"staff_{c.no_lead_home.pk}": pks(c.support, c.pcn_pharmacist, c.pharmacist),
            f"staff_{c.other_home.pk}": pks(c.support),
        },
        lambda c: {
            "locality": "",
            "hours_per_week": "2",
            "home": [c.no_lead_home.pk],
            f"staff_{c.no_lead_home.pk}": c.support.pk,
        },
    ),
    Form(
        "carehomes:staff_leave",
        "pm",
        lambda c: {"left_on": dates()},
        lambda c: {"left_on": dates()[0]},
        lambda c: {"pk": c.support.pk},
    ),
    Form(
        "carehomes:import_confirm", "pm", lambda c: {"token": ["", "abc", "0" * 32], "skip_bad_rows": ["on"]}
    ),
    Form(
        "carehomes:staff_import_confirm",
        "pm",
        lambda c: {"token": ["", "abc", "0" * 32], "skip_bad_rows": ["on"]},
    ),
    # Visits: the pharmacist (their own), and the project manager (anyone's).
    Form("carehomes:visit_create", "pharmacist", visit_fields, visit_valid),
    Form("carehomes:visit_create", "pm", visit_fields, lambda c: {**visit_valid(c), "staff": c.support.pk}),
    Form(
        "carehomes:visit_edit",
        "pharmacist",
        lambda c: visit_fields(c, reason=True),
        visit_valid,
        lambda c: {"pk": c.visit.pk},
    ),
    Form(
        "carehomes:visit_delete",
        "pharmacist",
        lambda c: {"reason": ["logged twice", "x" * 101]},
        lambda c: {"reason": "logged twice"},
        lambda c: {"pk": c.visit.pk},
    ),
    # Workstreams and organisations: the project manager.
    Form("workstreams:create", "pm", workstream_fields, workstream_valid),
    Form("workstreams:edit", "pm", workstream_fields, workstream_valid, lambda c: {"pk": c.workstream.pk}),
    Form(
        "workstreams:note_add",
        "pm",
        lambda c: {"written_on": dates(), "text": ["Met the homes.", "x" * 4001]},
        lambda c: {"written_on": dates()[0], "text": "Met the homes."},
        lambda c: {"pk": c.workstream.pk},
    ),
    Form(
        "organisations:engagement",
        "pm",
        lambda c: {
            "engagement": choices(Organisation.Engagement),
            "committed_hours": [*HOURS, "99999", "100000"],
            "clinical_director": pks(c.users["orglead"].staff_member, c.pcn_pharmacist, c.support),
        },
        lambda c: {"engagement": "hesitant", "committed_hours": "4"},
        lambda c: {"pk": c.pcn.pk},
    ),
    Form(
        "organisations:engagement_note",
        "pm",
        lambda c: {"held_on": dates(), "with_whom": ["Clinical director"], "summary": ["Agreed hours."]},
        lambda c: {"held_on": dates()[0], "with_whom": "Clinical director", "summary": "Agreed hours."},
        lambda c: {"pk": c.pcn.pk},
    ),
    Form(
        "organisations:staff_add",
        "pm",
        lambda c: {
            "name": ["Priya Shah"],
            "role": choices(StaffMember.Role),
            "gphc_number": ["2087654", "12"],
            "funding": choices(StaffMember.Funding),
            "hours_per_week": HOURS,
        },
        lambda c: {
            "name": "Priya Shah",
            "role": "technician",
            "gphc_number": "2087654",
            "funding": "pcn",
            "hours_per_week": "6",
        },
        lambda c: {"pk": c.pcn.pk},
    ),
    Form(
        "organisations:staff_hours",
        "pm",
        lambda c: {"hours_per_week": HOURS},
        lambda c: {"hours_per_week": "12"},
        lambda c: {"pk": c.pcn.pk, "staff_pk": c.pcn_pharmacist.pk},
    ),
    Form(
        "teams:membership_add",
        "slt",
        lambda c: {
            "staff": pks(c.support, c.pharmacist, c.users["slt"].staff_member),
            "organisation": pks(c.trust, c.pcn),
            "role": choices(Membership.Role),
        },
        lambda c: {"staff": c.support.pk, "role": "member"},
        lambda c: {"pk": c.team.pk},
    ),
    Form("teams:membership_end", "slt", lambda c: {}, None, lambda c: {"pk": c.membership.pk}),
    # Imports: the project manager chooses the kind of a trust the ODS files brought in.
    Form(
        "imports:trust_kind",
        "pm",
        lambda c: {
            "kind": ["acute_trust", "mental_health_trust", "community_trust", "nhs_trust", "gp_practice"]
        },
        lambda c: {"kind": "acute_trust"},
        lambda c: {"pk": c.trust.pk},
    ),
    # Requests for help and offers: organisation leads raise and offer; the project manager accepts.
    Form("workstreams:request_create", "orglead", request_fields, request_valid),
    Form(
        "workstreams:request_create",
        "pm",
        request_fields,
        lambda c: {**request_valid(c), "organisation": c.other_pcn.pk},
    ),
    Form(
        "workstreams:offer_create",
        "orglead",
        lambda c: {
            "staff": pks(c.pcn_pharmacist, c.support, c.users["orglead"].staff_member),
            "hours_per_week": HOURS,
            "starts_on": dates(),
            "note": ["Tuesdays.", "x" * 301],
        },
        lambda c: {"staff": c.pcn_pharmacist.pk, "hours_per_week": "2", "starts_on": dates()[0]},
        lambda c: {"pk": c.other_request.pk},
    ),
    Form("workstreams:request_withdraw", "orglead", lambda c: {}, None, lambda c: {"pk": c.own_request.pk}),
    Form(
        "workstreams:offer_accept",
        "pm",
        lambda c: {"care_home": pks(c.home, c.no_lead_home, c.other_home)},
        lambda c: {"care_home": c.no_lead_home.pk},
        lambda c: {"pk": c.offer.pk},
    ),
    Form("workstreams:offer_decline", "pm", lambda c: {}, None, lambda c: {"pk": c.offer.pk}),
    # The action plan and the weekly reports: the project manager.
    Form("actionplan:action_create", "pm", action_fields, action_valid),
    Form(
        "actionplan:action_edit",
        "pm",
        lambda c: {**action_fields(c), "version": [c.action.version, 0, c.action.version + 1]},
        lambda c: {**action_valid(c), "version": c.action.version},
        lambda c: {"pk": c.action.pk},
    ),
    Form(
        "actionplan:action_close",
        "pm",
        lambda c: {"version": [c.action.version, 0]},
        lambda c: {"version": c.action.version},
        lambda c: {"pk": c.action.pk},
    ),
    Form(
        "actionplan:action_reopen",
        "pm",
        lambda c: {"version": [c.action.version, 0]},
        lambda c: {"version": c.action.version},
        lambda c: {"pk": c.action.pk},
    ),
    Form(
        "actionplan:actionupdate_create",
        "pm",
        lambda c: {"written_on": dates(), "text": ["On track."], "rag": ["", "red", "green"]},
        lambda c: {"written_on": dates()[0], "text": "On track.", "rag": "green"},
        lambda c: {"pk": c.action.pk},
    ),
    Form(
        "actionplan:meeting_list",
        "pm",
        lambda c: {"held_on": dates(), "title": ["Silver Command", "x" * 201]},
        lambda c: {"held_on": dates()[2], "title": "Silver Command"},
    ),
    Form(
        "actionplan:section_create",
        "pm",
        lambda c: {"name": ["Infection control"], "code": ["IC", "PH", "ic", "ABCDEF", "I"]},
        lambda c: {"name": "Infection control", "code": "IC"},
    ),
    Form(
        "actionplan:report_generate",
        "pm",
        lambda c: {
            "week": ["2026-W48", "2026-W47", "2026-w48", "2020-W53", "2026-W53", "9999-W52", "0001-W01"],
            "regenerate": ["on"],
        },
        lambda c: {"week": "2026-W48"},
    ),
    # Your own password, and a password reset by the PM.
    Form(
        "password_change",
        "pharmacist",
        lambda c: {
            "old_password": ["wrong", "x" * 5000],
            "new_password1": ["short", "a-long-enough-passphrase-1", "\x00\x0b" * 20],
            "new_password2": ["short", "a-long-enough-passphrase-1"],
        },
    ),
    Form("accounts:staff_password_reset", "pm", lambda c: {}, None, lambda c: {"pk": c.support.pk}),
    Form(
        "accounts:staff_invite",
        "pm",
        lambda c: {"back": ["organisation", "//evil.example", "x" * 5000]},
        None,
        lambda c: {"pk": c.support.pk},
    ),
    # Discharge follow-ups: record one, and act on one.
    Form(
        "discharge:create",
        "pm",
        lambda c: {
            "trust": pks(c.trust, c.pcn),
            "reference": ["PO-123456", "NHS 943 476 5919", "Mr Smith", "x" * 61, "=HYPERLINK(1)"],
            "channel": ["pharmoutcomes", "nhsmail", "carrier-pigeon"],
            "care_home": [c.home.cqc_location_id, c.home.name, "1-999", "x" * 201],
            "pharmacy": [c.pharmacy.ods_code, "", "NOPE"],
            "discharged_on": dates(),
            "reasons": ["stopped", "dose_change", "junk"],
            "changes_band": ["1-2", "6+", "junk"],
            "note": ["Checked with the home.", "born on 1/2/1940", "\x0b"],
            "duplicate": ["merge", "separate", "junk"],
            "duplicate_of": [str(c.follow_up.pk), "-1", "99999999999999999999"],
        },
    ),
    *[
        Form(
            "discharge:act",
            "pm",
            lambda c, prefix=prefix: {
                f"{prefix}-note": ["Done.", "NHS 943 476 5919", "x" * 5000],
                f"{prefix}-issues": ["mar_not_updated", "junk"],
                f"{prefix}-participants": ["care_home_staff", "junk"],
                f"{prefix}-reason": ["readmitted", "closed by mistake", "junk"],
                f"{prefix}-pharmacy": ["NOPE", "x" * 201],
                f"{prefix}-into": ["1", "-1", "junk"],
                f"{prefix}-readmitted": ["yes", "no", "junk"],
            },
            None,
            lambda c, prefix=prefix: {"pk": c.follow_up.pk, "action": prefix},
        )
        for prefix in (
            "acknowledge",
            "stage1",
            "stage3",
            "close_partial",
            "redirect",
            "merge",
            "reopen",
            "readmission",
        )
    ],
    Form(
        "imports:ods_upload_confirm",
        "pm",
        lambda c: {"token": ["", "abc", "0" * 32], "skip_bad_rows": ["on"]},
    ),
    Form(
        "discharge:upload_confirm",
        "pm",
        lambda c: {"token": ["", "abc", "0" * 32], "skip_bad_rows": ["on"], "trust": pks(c.trust)},
    ),
    Form(
        "carehomes:supplying_pharmacy",
        "pm",
        lambda c: {"pharmacy": [c.pharmacy.ods_code, "", "NOPE", "x" * 5000, str(c.pharmacy.pk)]},
        None,
        lambda c: {"pk": c.home.pk},
    ),
    # A pharmacy's opening hours: per day open or closed, and typed times.
    Form(
        "discharge:opening_hours",
        "pm",
        lambda c: {
            **{
                f"{day}_open": ["open", "closed", "junk", ""]
                for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            },
            **{
                f"{day}_{n}_{end}": [
                    "9am",
                    "6:30pm",
                    "18:30",
                    "midnight",
                    "9",
                    "25:99",
                    "x" * 5000,
                    "\x00",
                    "٩am",
                ]
                for day in ("mon", "sat", "sun")
                for n in (1, 2)
                for end in ("opens", "closes")
            },
        },
        None,
        lambda c: {"pk": c.pharmacy.pk},
    ),
    # Going back to the default hours: a confirmation with nothing to type.
    Form("discharge:opening_hours_default", "pm", lambda c: {}, None, lambda c: {"pk": c.pharmacy.pk}),
    # API tokens: make one, revoke one.
    Form(
        "api_tokens:list",
        "pharmacist",
        lambda c: {
            "name": ["Power BI", "NHS 943 476 5919", "x" * 5000, "=1+1"],
            "lifetime_days": ["30", "365", "366", "0", "-1", "junk"],
        },
    ),
    Form("api_tokens:revoke", "pharmacist", lambda c: {}, None, lambda c: {"pk": c.api_token.pk}),
    # Signing in, as anyone.
    Form(
        "login",
        None,
        lambda c: {
            "username": [c.users["pm"].username, "nobody"],
            "password": ["wrong"],
            "next": ["/", "//evil.example"],
        },
    ),
]


# Pages that show no form of their own to POST (filters are GET forms: see LIST_PAGES).
READ_ONLY = {
    "home",
    "accounts:account",
    "accounts:staff_sign_in",
    "accounts:organisation_sign_in",
    "accounts:identity_mismatches",
    "no_role",
    "accessibility",
    "privacy",
    "keep_alive",
    "dashboard:index",
    "dashboard:gaps",
    "dashboard:search",
    "carehomes:list",
    "carehomes:home_lookup",
    "carehomes:staff_lookup",
    "carehomes:detail",
    "carehomes:mine",
    "carehomes:staff_list",
    "carehomes:staff_detail",
    "carehomes:visit_list",
    "carehomes:visit_detail",
    "carehomes:visit_export",
    "organisations:list",
    "organisations:detail",
    "organisations:mine",
    "teams:list",
    "teams:detail",
    "teams:member_lookup",
    "imports:list",
    "imports:detail",
    "workstreams:list",
    "workstreams:detail",
    "workstreams:request_list",
    "workstreams:request_detail",
    "workstreams:request_home_lookup",
    "workstreams:lead_lookup",
    "workstreams:offer_staff_lookup",
    "actionplan:owner_lookup",
    "actionplan:index",
    "actionplan:action_detail",
    "actionplan:export",
    "actionplan:report_list",
    "actionplan:report_detail",
    "actionplan:report_pdf",
    "actionplan:report_docx",
    "actionplan:report_xlsx",
    "actionplan:subject_access",
    "actionplan:chart",
    "discharge:list",
    "discharge:mine",
    "discharge:care_home_lookup",
    "discharge:detail",
    "discharge:reports",
    "discharge:report",
    "api_tokens:detail",
}


def test_every_page_with_a_form_is_fed_junk():
    """A page added to the hub must go into FORMS (or IMPORTS), or into READ_ONLY."""
    covered = {form.url for form in FORMS} | {upload for upload, _, _ in IMPORTS.values()} | READ_ONLY
    missing = sorted({page.name for page in hub_pages()} - covered)
    assert not missing, f"add these pages to FORMS, IMPORTS or READ_ONLY: {missing}"


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.id)
@HYPOTHESIS
@given(data=st.data(), htmx=st.booleans())
def test_forms_refuse_junk_without_error_or_partial_save(city, as_role, form, data, htmx):
    client = as_role(form.role)
    url = reverse(form.url, kwargs=form.kwargs(city))
    body = data.draw(hostile.payloads(form.fields(city), form.valid(city) if form.valid else None), "body")
    send(client, "POST", url, role=form.role, data=form.body(body), htmx=htmx)


# Query strings ---------------------------------------------------------------------------------

LIST_PAGES = [
    ("dashboard:index", "slt", {}),
    ("dashboard:gaps", "pm", {}),
    ("dashboard:search", "pm", {}),
    ("carehomes:list", "pm", {}),
    ("carehomes:list", "pharmacist", {}),
    ("carehomes:staff_list", "pm", {}),
    ("carehomes:home_lookup", "pm", {}),
    ("carehomes:home_lookup", "pharmacist", {}),
    ("carehomes:staff_lookup", "pm", {}),
    ("discharge:care_home_lookup", "trust", {}),
    ("carehomes:fill_gaps", "pm", {}),
    ("carehomes:visit_list", "pm", {}),
    ("carehomes:visit_list", "pharmacist", {}),
    ("carehomes:visit_export", "pm", {"extension": "csv"}),
    ("carehomes:visit_export", "pharmacist", {"extension": "xlsx"}),
    ("carehomes:visit_create", "pharmacist", {}),
    ("carehomes:mine", "pharmacist", {}),
    ("workstreams:list", "pm", {}),
    ("workstreams:lead_lookup", "slt", {}),
    ("actionplan:owner_lookup", "pm", {}),
    ("workstreams:request_list", "orglead", {}),
    ("workstreams:request_create", "pm", {}),
    ("workstreams:request_create", "orglead", {}),
    ("organisations:list", "pm", {}),
    ("organisations:mine", "orglead", {}),
    ("teams:list", "slt", {}),
    ("imports:list", "pm", {}),
    ("actionplan:index", "pm", {}),
    ("actionplan:export", "pm", {}),
    ("actionplan:meeting_list", "pm", {}),
    ("actionplan:report_list", "pm", {}),
    ("actionplan:report_detail", "slt", {"week": "2026-W47"}),
]


@pytest.mark.parametrize(("name", "role", "kwargs"), LIST_PAGES, ids=[f"{n}-{r}" for n, r, _ in LIST_PAGES])
@HYPOTHESIS
@given(query=hostile.query_strings(), htmx=st.booleans())
def test_pages_take_any_query_string(city, as_role, name, role, kwargs, query, htmx):
    client = as_role(role)
    url = reverse(name, kwargs=kwargs) + ("?" + query if query else "")
    send(client, "GET", url, role=role, htmx=htmx)


# Known-nasty values, everywhere, whatever Hypothesis draws ---------------------------------------

# Values that broke the hub once (see the report of issue 9): digits int() cannot read, numbers
# too big for a database integer or for int() itself, dates at the ends of the calendar.
SHARP = ["²", "99999999999999999999", "9" * 5000, "\x00", "-1", "NaN", "Infinity", "9999-W52", ""]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def sharp_for(plausible):
    """What to put into one field of an otherwise valid form, so that the services see it."""
    if any(ISO_DATE.match(str(v)) for v in plausible):
        return ["0001-01-01", "9999-12-31"]
    return ["99999999999999999999"]


def _sweep(client_for_role, requests):
    """Send each (role, method, url, data); every failure is collected, then all are reported."""
    failures = []
    for role, method, url, data in requests:
        try:
            send(client_for_role(role), method, url, role=role, data=data)
        except AssertionError as error:
            failures.append(f"{error}: {error.__cause__!r}" if error.__cause__ else str(error))
    assert not failures, f"{len(failures)} hostile requests failed:\n" + "\n".join(failures)


def test_forms_take_known_nasty_values(city, as_role):
    """Each SHARP value in every field at once (raw reads of POST), and in each field alone."""

    def requests():
        for form in FORMS:
            url = reverse(form.url, kwargs=form.kwargs(city))
            fields = form.fields(city)
            baseline = form.valid(city) if form.valid else {}
            for value in SHARP:
                yield form.role, "POST", url, form.body({**baseline, **dict.fromkeys(fields, value)})
            for name, plausible in fields.items():
                for value in sharp_for(plausible):
                    yield form.role, "POST", url, form.body({**baseline, name: value})

    _sweep(as_role, requests())


def test_pages_take_known_nasty_query_values(city, as_role):
    """Each SHARP value in every filter name at once, on every list page."""

    def requests():
        for name, role, kwargs in LIST_PAGES:
            for value in SHARP:
                query = urlencode(dict.fromkeys(hostile.QUERY_NAMES, value))
                yield role, "GET", f"{reverse(name, kwargs=kwargs)}?{query}", None

    _sweep(as_role, requests())


def test_sign_in_takes_a_very_long_username(city, as_role):
    client = as_role(None)
    send(client, "POST", reverse("login"), role=None, data={"username": "x" * 256, "password": "wrong"})


# Uploads -----------------------------------------------------------------------------------------

DISCHARGE_HEADER = [
    "referral_id",
    "channel",
    "cqc_location_id",
    "pharmacy_ods_code",
    "discharge_date",
    "reasons",
    "changes_band",
]
IMPORTS = {
    "cqc": ("carehomes:import", "carehomes:import_confirm", [DIRECTORY_HEADER, HSCA_HEADER]),
    "staff": ("carehomes:staff_import", "carehomes:staff_import_confirm", [STAFF_HEADER]),
    "discharge": ("discharge:upload", "discharge:upload_confirm", [DISCHARGE_HEADER]),
    # ODS reports have no header row: the "header" is a real epraccur line, junk rows follow it.
    "ods": ("imports:ods_upload", "imports:ods_upload_confirm", [hostile.ODS_PRACTICE_LINE]),
}
TOKEN = re.compile(r'name="token" value="([0-9a-f]+)"')


@pytest.mark.parametrize("kind", IMPORTS)
@HYPOTHESIS
@given(data=st.data(), skip=st.sampled_from([None, "on", "junk"]))
def test_imports_take_any_bytes(city, as_role, kind, data, skip):
    """Junk uploads get a page (never a 500) and write nothing; only the confirm step may import."""
    upload_url, confirm_url, headers = IMPORTS[kind]
    content, filename = data.draw(hostile.uploads(headers), "upload")
    client = as_role("pm")
    # A browser never sends a name with no base name ("", ".", "dir/"); Django's test upload refuses one.
    safe_name = filename if os.path.basename(filename or "") not in {"", ".", ".."} else "upload"
    upload = {"file": SimpleUploadedFile(safe_name, content, content_type="text/csv")}
    response = send(client, "POST", reverse(upload_url), role="pm", data={}, files=upload)
    found = TOKEN.search(response.content.decode(errors="replace")) if response.status_code == 200 else None
    if found:
        # The preview was shown: confirm it. Errors and no skip: 400 and nothing imported.
        confirm = {
            "token": found.group(1),
            **({"skip_bad_rows": skip, "confirm_many_missing": skip} if skip else {}),
        }
        send(client, "POST", reverse(confirm_url), role="pm", data=confirm)


# One near-valid row per importer: each known-nasty cell is put in its column in turn.
GOOD_ROWS = {
    "directory": dict(
        zip(
            DIRECTORY_HEADER,
            [
                "Oak House",
                "",
                "1 Moor Road, Leeds",
                "LS1 3EX",
                "",
                "",
                "Care home|Nursing home",
                "",
                "Dementia",
                "",
                "Leeds",
                "",
                "",
                "1-101234567",
                "",
            ],
            strict=True,
        )
    ),
    "hsca": dict(
        zip(
            HSCA_HEADER,
            [
                "1-101234567",
                "01/04/2011",
                "N",
                "Y",
                "Oak House",
                "40",
                "Leeds",
                "1 Moor Road",
                "Leeds",
                "LS1 3EX",
                "Y",
                "",
                "Y",
            ],
            strict=True,
        )
    ),
    "staff": dict(
        zip(
            STAFF_HEADER,
            ["Alex Smith", "pharmacist", "1234567", "Leeds Teaching Hospitals", "2", ""],
            strict=True,
        )
    ),
}
NASTY_CELLS = ["\x00", "=cmd|' /C calc'!A0", "Infinity", "-1", ""]


def nasty_files(layout):
    """(column, value, CSV bytes): the good row, with one column's cell made nasty."""
    import csv
    import io

    good = GOOD_ROWS[layout]
    for column in good:
        for value in dict.fromkeys([*hostile.COLUMN_VALUES.get(column, []), *NASTY_CELLS]):
            out = io.StringIO()
            writer = csv.writer(out)
            writer.writerow(list(good))
            writer.writerow([value if name == column else cell for name, cell in good.items()])
            yield column, value, out.getvalue().encode()


@pytest.mark.parametrize(("kind", "layout"), [("cqc", "directory"), ("cqc", "hsca"), ("staff", "staff")])
def test_imports_take_every_known_nasty_cell(city, as_role, kind, layout):
    """Every nasty value in every column of an otherwise good row: a preview, then a clean apply or refusal."""
    upload_url, confirm_url, _ = IMPORTS[kind]
    client = as_role("pm")
    for column, value, content in nasty_files(layout):
        upload = {"file": SimpleUploadedFile("upload.csv", content, content_type="text/csv")}
        response = send(
            client,
            "POST",
            reverse(upload_url),
            role="pm",
            data={"_cell": f"{column}={value!r}"},
            files=upload,
        )
        found = (
            TOKEN.search(response.content.decode(errors="replace")) if response.status_code == 200 else None
        )
        if found:
            for skip in ({}, {"skip_bad_rows": "on"}):
                data = {"token": found.group(1), "_cell": f"{column}={value!r}", **skip}
                if send(client, "POST", reverse(confirm_url), role="pm", data=data).status_code != 400:
                    break
