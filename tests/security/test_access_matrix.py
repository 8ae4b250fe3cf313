"""Every page, as every kind of person, by GET and by POST: no one reads or changes what is not theirs.

The table below is DESIGN.md's Pages table written as data: for each URL name, who may read
it (GET) and who may write through it (POST). Object pages point at objects that belong to
organisation A, so the same roles in organisation B ("@other") are the strangers.

A new page must be added to ACCESS: `test_every_page_has_an_access_rule` names any that are not.

Expectations:
- anonymous: redirected to the sign-in page, for GET and POST alike;
- allowed GET: 200, or a redirect somewhere other than sign-in;
- refused GET: 403, or 404 where existence itself is private (405 for a POST-only address);
- allowed POST (empty form): anything but a refusal or a server error;
- refused POST: 403/404/405 (or 200, for someone who may read the page, re-showing it) and
  nothing in the database changed (row counts, history rows included);
- never a 500.
"""

from dataclasses import dataclass

import pytest
import rules
from django.contrib.auth import get_user_model
from django.db import DatabaseError, transaction
from django.test import Client

from organisations.access import GROUP_PERMISSIONS
from organisations.permissions import Permission
from tests.city import ACTORS, CHART_DIGEST, OTHER, REPORT_WEEK
from tests.security.url_patterns import hub_pages
from tests.snapshots import changed_tables, table_snapshot

LOGIN = "/accounts/login/"

EVERY_ROLE = frozenset(ACTORS)
NOBODY = frozenset()
LEADERSHIP = frozenset({"slt", "pm", "slt@other", "pm@other"})
PM = frozenset({"pm", "pm@other"})
SLT_MEMBERS = frozenset({"slt", "slt@other"})
PHARMACISTS = frozenset({"pharmacist", "pharmacist@other"})
ORGANISATION_LEADS = frozenset({"orglead", "orglead@other"})
TRUSTS = frozenset({"trust", "trust@other"})
CHEMISTS = frozenset({"chemist", "chemist@other"})


@dataclass(frozen=True)
class Rule:
    get: frozenset
    post: frozenset | None = None  # who may write through the page; None: the same as get
    kwargs: tuple = ()  # (URL kwarg, city object name or a literal value)
    public: bool = False  # readable without signing in (the accessibility statement)

    def may_post(self, actor):
        return actor in (self.get if self.post is None else self.post)


def pk(name):
    return (("pk", name),)


ACCESS = {
    # Signed in with any role: sent on to the home page of the role; without a role, to /no-role/.
    "home": Rule(get=EVERY_ROLE | {"no-role"}),
    "no_role": Rule(get=NOBODY),  # a 403 page that says "you have no role yet", for everyone
    "accessibility": Rule(get=EVERY_ROLE | {"no-role", "anonymous"}, post=NOBODY, public=True),
    "privacy": Rule(get=EVERY_ROLE | {"no-role", "anonymous"}, post=NOBODY, public=True),
    # "Stay signed in" on the idle warning: any signed-in person renews their own session.
    "keep_alive": Rule(get=EVERY_ROLE | {"no-role"}, post=NOBODY),
    # Your own account and password: everyone signed in. A staff member's sign-in: SLT and PM
    # see it; the PM resets a password.
    "password_change": Rule(get=EVERY_ROLE | {"no-role"}),
    "accounts:account": Rule(get=EVERY_ROLE | {"no-role"}, post=NOBODY),
    "accounts:identity_mismatches": Rule(get=LEADERSHIP, post=NOBODY),
    "accounts:staff_sign_in": Rule(get=LEADERSHIP, post=NOBODY, kwargs=pk("staff")),
    "accounts:staff_password_reset": Rule(get=NOBODY, post=PM, kwargs=pk("staff")),
    # Invitations to sign in with an NHS identity: the PM, or an organisation lead for their own staff.
    "accounts:staff_invite": Rule(get=NOBODY, post=PM, kwargs=pk("staff")),
    "accounts:organisation_sign_in": Rule(get=PM | {"orglead"}, post=NOBODY, kwargs=pk("organisation")),
    "dashboard:index": Rule(get=LEADERSHIP),
    "dashboard:gaps": Rule(get=LEADERSHIP),
    # Search from the header: every role, each seeing only what they may (tests/dashboard/test_search.py).
    "dashboard:search": Rule(get=EVERY_ROLE, post=NOBODY),
    # Care homes: SLT and PM all; pharmacy professionals their own. Assigning and importing: PM.
    "carehomes:list": Rule(get=LEADERSHIP | PHARMACISTS, post=PM),
    # The look-ups behind the autocomplete boxes: as the pages they stand for (homes, staff), JSON only.
    "carehomes:home_lookup": Rule(get=LEADERSHIP | PHARMACISTS, post=NOBODY),
    "carehomes:staff_lookup": Rule(get=LEADERSHIP, post=NOBODY),
    "carehomes:detail": Rule(get=LEADERSHIP | {"pharmacist"}, post=PM, kwargs=pk("care_home")),
    "carehomes:import": Rule(get=PM),
    # A home's details changed, or a home added by hand: the project manager (issue 14).
    "carehomes:add": Rule(get=PM),
    "carehomes:edit": Rule(get=PM, kwargs=pk("care_home")),
    "carehomes:import_confirm": Rule(get=NOBODY, post=PM),
    "carehomes:fill_gaps": Rule(get=PM),
    "carehomes:assignment_add": Rule(get=NOBODY, post=PM, kwargs=pk("care_home")),
    "carehomes:lead_hand_over": Rule(get=NOBODY, post=PM, kwargs=pk("care_home")),
    "carehomes:outbreak": Rule(get=NOBODY, post=PM, kwargs=pk("care_home")),
    "carehomes:supplying_pharmacy": Rule(get=NOBODY, post=PM, kwargs=pk("care_home")),
    "carehomes:assignment_end": Rule(get=PM, kwargs=pk("assignment")),  # "End this assignment?"
    "carehomes:mine": Rule(get=PHARMACISTS),
    # Staff: SLT and PM.
    "carehomes:staff_list": Rule(get=LEADERSHIP, post=PM),
    "carehomes:staff_detail": Rule(get=LEADERSHIP, post=PM, kwargs=pk("staff")),
    "carehomes:staff_assign": Rule(get=NOBODY, post=PM, kwargs=pk("staff")),
    "carehomes:staff_leave": Rule(get=PM, post=PM, kwargs=pk("staff")),
    "actionplan:subject_access": Rule(get=PM, post=NOBODY, kwargs=pk("staff")),
    "carehomes:staff_import": Rule(get=PM),
    "carehomes:staff_import_confirm": Rule(get=NOBODY, post=PM),
    # Visits: pharmacy professionals their own, the project manager all (SLT may read one).
    "carehomes:visit_list": Rule(get=PM | PHARMACISTS),
    "carehomes:visit_export": Rule(get=PM | PHARMACISTS, kwargs=(("extension", "csv"),)),
    "carehomes:visit_create": Rule(get=PM | PHARMACISTS),
    "carehomes:visit_detail": Rule(
        get=LEADERSHIP | {"pharmacist"}, post=PM | {"pharmacist"}, kwargs=pk("visit")
    ),
    "carehomes:visit_edit": Rule(get=PM | {"pharmacist"}, kwargs=pk("visit")),
    "carehomes:visit_delete": Rule(get=PM | {"pharmacist"}, kwargs=pk("visit")),
    # Teams: everyone reads; the PM manages ordinary seats. The world's team is the SLT: a seat on it
    # grants the SLT role, so only an SLT member gives or removes one, never the PM
    # (every seat kind × role: tests/organisations/test_leadership_seats.py).
    "teams:list": Rule(get=EVERY_ROLE, post=PM),
    "teams:detail": Rule(get=EVERY_ROLE, post=PM, kwargs=pk("team")),
    "teams:membership_add": Rule(get=NOBODY, post=SLT_MEMBERS, kwargs=pk("team")),
    "teams:member_lookup": Rule(get=SLT_MEMBERS, post=NOBODY, kwargs=pk("team")),
    "teams:membership_end": Rule(get=SLT_MEMBERS, post=SLT_MEMBERS, kwargs=pk("membership")),
    # Workstreams: everyone reads; SLT and PM run them.
    "workstreams:list": Rule(get=EVERY_ROLE, post=LEADERSHIP),
    "workstreams:create": Rule(get=LEADERSHIP),
    "workstreams:lead_lookup": Rule(get=LEADERSHIP, post=NOBODY),
    "workstreams:detail": Rule(get=EVERY_ROLE, post=LEADERSHIP, kwargs=pk("workstream")),
    "workstreams:edit": Rule(get=LEADERSHIP, kwargs=pk("workstream")),
    "workstreams:note_add": Rule(get=NOBODY, post=LEADERSHIP, kwargs=pk("workstream")),
    # Requests for help: everyone reads; raised and withdrawn by the PM or the organisation's own
    # lead; offered by the PM or any organisation lead; accepted or declined by the PM.
    "workstreams:request_list": Rule(get=EVERY_ROLE, post=PM | ORGANISATION_LEADS),
    "workstreams:request_create": Rule(get=PM | ORGANISATION_LEADS),
    "workstreams:request_home_lookup": Rule(get=PM | {"orglead"}, post=NOBODY, kwargs=pk("organisation")),
    "workstreams:request_detail": Rule(
        get=EVERY_ROLE, post=PM | ORGANISATION_LEADS, kwargs=pk("support_request")
    ),
    "workstreams:offer_create": Rule(get=NOBODY, post=PM | {"orglead@other"}, kwargs=pk("support_request")),
    "workstreams:offer_staff_lookup": Rule(
        get=PM | {"orglead@other"}, post=NOBODY, kwargs=pk("support_request")
    ),
    "workstreams:request_withdraw": Rule(
        get=PM | {"orglead"}, post=PM | {"orglead"}, kwargs=pk("support_request")
    ),
    "workstreams:offer_accept": Rule(get=NOBODY, post=PM, kwargs=pk("support_offer")),
    "workstreams:offer_decline": Rule(get=PM, post=PM, kwargs=pk("support_offer")),
    # Organisations: everyone reads; PCN engagement is recorded by SLT and PM.
    "organisations:list": Rule(get=EVERY_ROLE, post=PM),
    "organisations:mine": Rule(get=ORGANISATION_LEADS),
    "organisations:detail": Rule(get=EVERY_ROLE, post=LEADERSHIP | {"orglead"}, kwargs=pk("organisation")),
    "organisations:engagement": Rule(get=NOBODY, post=LEADERSHIP, kwargs=pk("organisation")),
    "organisations:engagement_note": Rule(get=NOBODY, post=LEADERSHIP, kwargs=pk("organisation")),
    # An organisation lead adds their own organisation's people and changes their hours (and the PM).
    "organisations:staff_add": Rule(get=PM | {"orglead"}, kwargs=pk("organisation")),
    "organisations:staff_hours": Rule(
        get=PM | {"orglead"}, kwargs=(("pk", "organisation"), ("staff_pk", "pcn_staff"))
    ),
    # Imports: the project manager sees every import run and chooses new trusts' kinds.
    "imports:list": Rule(get=PM),
    "imports:detail": Rule(get=PM, kwargs=pk("import_run")),
    "imports:trust_kind": Rule(get=PM, kwargs=pk("new_trust")),
    "imports:ods_upload": Rule(get=PM),
    "imports:ods_upload_confirm": Rule(get=NOBODY, post=PM),
    # The action plan: SLT and PM read and export; the PM keeps it; an SLT member may add an
    # update to an action their own organisation owns.
    "actionplan:index": Rule(get=LEADERSHIP, post=PM),
    "actionplan:export": Rule(get=LEADERSHIP),
    "actionplan:action_create": Rule(get=PM),
    "actionplan:owner_lookup": Rule(get=PM, post=NOBODY),
    "actionplan:action_detail": Rule(get=LEADERSHIP, post=PM, kwargs=pk("action")),
    "actionplan:action_edit": Rule(get=PM, kwargs=pk("action")),
    "actionplan:action_close": Rule(get=PM, post=PM, kwargs=pk("action")),
    "actionplan:action_reopen": Rule(get=NOBODY, post=PM, kwargs=pk("action")),
    "actionplan:actionupdate_create": Rule(get=PM | {"slt"}, kwargs=pk("action")),
    "actionplan:meeting_list": Rule(get=LEADERSHIP, post=PM),
    "actionplan:section_create": Rule(get=PM),
    # Weekly gap reports: SLT and PM read; the PM generates one on demand.
    "actionplan:report_list": Rule(get=LEADERSHIP, post=PM),
    "actionplan:report_generate": Rule(get=NOBODY, post=PM),
    "actionplan:report_detail": Rule(get=LEADERSHIP, post=PM, kwargs=(("week", REPORT_WEEK),)),
    "actionplan:report_pdf": Rule(get=LEADERSHIP, kwargs=(("week", REPORT_WEEK),)),
    "actionplan:report_docx": Rule(get=LEADERSHIP, kwargs=(("week", REPORT_WEEK),)),
    "actionplan:report_xlsx": Rule(get=LEADERSHIP, kwargs=(("week", REPORT_WEEK),)),
    "actionplan:chart": Rule(get=LEADERSHIP, kwargs=(("digest", CHART_DIGEST),)),
    # API tokens: everyone with a role makes and lists their own; only the owner sees or revokes
    # one (anyone else: 404). The API itself (/api/v1/) takes tokens, not sessions: see
    # tests/api/test_api_access_matrix.py.
    "api_tokens:list": Rule(get=EVERY_ROLE),
    "api_tokens:detail": Rule(get=frozenset({"pharmacist"}), kwargs=pk("api_token")),
    "api_tokens:revoke": Rule(get=frozenset({"pharmacist"}), kwargs=pk("api_token")),
    # Discharge follow-ups: the trust team its own trust's, the community pharmacy its own, PCN
    # pharmacists the onward referrals at their homes, PM and SLT all. Recording and uploading: the
    # trust team and the PM; the pharmacy's work (acknowledge, stages, close): the pharmacy and the PM.
    "discharge:list": Rule(get=LEADERSHIP | PHARMACISTS | TRUSTS | CHEMISTS),
    "discharge:mine": Rule(get=LEADERSHIP | PHARMACISTS | TRUSTS | CHEMISTS),
    "discharge:create": Rule(get=PM | TRUSTS),
    "discharge:care_home_lookup": Rule(get=PM | TRUSTS, post=NOBODY),
    "discharge:upload": Rule(get=PM | TRUSTS),
    "discharge:upload_confirm": Rule(get=NOBODY, post=PM | TRUSTS),
    "discharge:detail": Rule(get=LEADERSHIP | {"trust", "chemist", "pharmacist"}, kwargs=pk("follow_up")),
    "discharge:reports": Rule(get=LEADERSHIP | TRUSTS),
    "discharge:report": Rule(
        get=LEADERSHIP | {"trust"},
        kwargs=(("trust", "trust_own"), ("month", "2026-11"), ("extension", "pdf")),
    ),
    "discharge:act": Rule(
        get=NOBODY, post=PM | {"chemist"}, kwargs=(("pk", "follow_up"), ("action", "acknowledge"))
    ),
    # A community pharmacy's opening hours (the stage-1 timer counts them): its own staff and the PM.
    "discharge:opening_hours": Rule(get=PM | {"chemist"}, kwargs=pk("pharmacy_own")),
    "discharge:opening_hours_default": Rule(get=PM | {"chemist"}, kwargs=pk("pharmacy_own")),
}


def resolve_kwargs(rule, city):
    """URL kwargs for a page: a city object's pk, or a literal (e.g. an ISO week)."""
    kwargs = {}
    for key, value in rule.kwargs:
        target = city.objects.get(value, value) if isinstance(value, str) else value
        kwargs[key] = getattr(target, "pk", target)
    return kwargs


def request_as(client, method, path, *, snapshot):
    """The response (or the exception a view raised), with the database before and after.

    Each request runs in a transaction that is then rolled back: an empty POST may still withdraw
    a request or close an action, and the next person must find the city as it was.
    """
    before = after = None
    with transaction.atomic():
        if snapshot:
            before = table_snapshot()
        try:
            response = getattr(client, method.lower())(path)
        except Exception as exc:  # noqa: BLE001 - an exception is a 500 to report, with its cause
            response = exc
        if snapshot and not isinstance(response, Exception):
            try:
                after = table_snapshot()
            except DatabaseError as exc:
                after = {"database unreadable after the request": repr(exc)}
        transaction.set_rollback(True)
    return response, before, after


def judge(method, actor, rule, response, snapshot_before, snapshot_after):
    """None when the response keeps the rule; otherwise what went wrong."""
    if isinstance(response, Exception):
        return f"500: {response.__class__.__name__}: {response}"
    status = response.status_code
    location = response.get("Location", "")
    if status >= 500:
        return f"server error {status}"
    if actor == "anonymous" and rule.public:
        if method == "GET":
            return None if status == 200 else f"expected the public page, got {status} {location}"
        return None if status in (403, 405) else f"expected a refusal of POST, got {status}"
    if actor == "anonymous":
        if status == 302 and location.startswith(LOGIN):
            return None
        return f"expected a redirect to sign-in, got {status} {location}"
    if method == "GET":
        if actor in rule.get:
            if status in (200, 204) or (300 <= status < 400 and not location.startswith(LOGIN)):
                return None
            return f"expected the page, got {status} {location}"
        if status in (403, 404, 405):
            return None
        return f"expected a refusal (403/404/405), got {status} {location}"
    if rule.may_post(actor):
        if status in (403, 404) or location.startswith(LOGIN):
            return f"expected the POST to be accepted or re-shown, got a refusal {status} {location}"
        return None
    allowed = {403, 404, 405} | ({200} if actor in rule.get else set())
    if status not in allowed:
        return f"expected a refusal (one of {sorted(allowed)}), got {status} {location}"
    changed = changed_tables(snapshot_before, snapshot_after)
    if changed:
        return f"refused, but the database changed: {changed}"
    return None


def test_every_page_has_an_access_rule():
    pages = hub_pages()
    names = {page.name for page in pages}
    missing = sorted(f"{page.name} (/{page.route})" for page in pages if page.name not in ACCESS)
    stale = sorted(set(ACCESS) - names)
    assert not missing, (
        "These pages have no access rule in tests/security/test_access_matrix.py ACCESS; add one "
        "from DESIGN.md's Pages table (who may GET, who may POST, which object the URL needs):\n  "
        + "\n  ".join(missing)
    )
    assert not stale, f"ACCESS names pages that no longer exist: {stale}"


@pytest.mark.django_db
def test_every_page_keeps_its_access_rule_for_every_person(city):
    no_role_user = get_user_model().objects.create_user("no-role", password="not-used-here-123")
    clients = {"anonymous": Client()}
    for actor, user in [*city.users.items(), ("no-role", no_role_user)]:
        clients[actor] = Client()
        clients[actor].force_login(user, backend="django.contrib.auth.backends.ModelBackend")

    pages = [page for page in hub_pages() if page.name in ACCESS]
    failures = []
    tried = 0
    for page in pages:
        rule = ACCESS[page.name]
        path = page.path(**resolve_kwargs(rule, city))
        for actor, client in clients.items():
            # The other organisation's people matter where a page shows one object; a person with
            # no role is refused by the same check for every method.
            if actor in OTHER and not rule.kwargs:
                continue
            for method in ("GET",) if actor == "no-role" else ("GET", "POST"):
                refused_post = method == "POST" and actor != "anonymous" and not rule.may_post(actor)
                response, before, after = request_as(client, method, path, snapshot=refused_post)
                tried += 1
                problem = judge(method, actor, rule, response, before, after)
                if problem:
                    failures.append(f"{method} {path} [{page.name}] as {actor}: {problem}")

    object_pages = sum(1 for page in pages if ACCESS[page.name].kwargs)
    print(
        f"\naccess matrix: {len(pages)} URL patterns ({object_pages} object pages) x people "
        f"(anonymous, 6 roles, no role; 6 roles of another organisation on object pages) "
        f"x GET/POST = {tried} requests"
    )
    assert not failures, f"{len(failures)} of {tried} requests broke the access rules:\n" + "\n".join(
        failures
    )


def test_every_rule_is_a_named_permission_and_every_named_permission_is_granted_somewhere():
    """`Permission` names every permission once: each rule an app registers is a member, and each
    member is decided by a rule or carried by a role's group (so a member is never dead)."""
    hub_apps = {name.split(".", 1)[0] for name in Permission}
    registered = {name for name in rules.permissions.permissions if name.split(".", 1)[0] in hub_apps}
    carried = {name for names in GROUP_PERMISSIONS.values() for name in names}

    assert registered - set(Permission) == set()
    assert set(Permission) - registered - carried == set()
