"""A form shows all its errors at once, not in two rounds.

Every form of the hub is filled in wrong in two independent ways (a field left empty and a rule of
the service broken, or two fields wrong) and must name both in one answer. A form that cannot be
wrong in two independent ways (one field, a filter, a hidden field) says why in ONE_WAY. A new
form must go into one of the two lists (tests/config/test_form_messages.py finds them all).
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from carehomes.models import CareHome
from organisations.access import PHARMACY_PROFESSIONAL
from organisations.models import Organisation, StaffMember
from tests.config.test_form_messages import _hub_forms
from tests.factories import (
    CareHomeFactory,
    OrganisationFactory,
    PcnFactory,
    SectionFactory,
    StaffMemberFactory,
    TeamFactory,
    user_with_role,
)

NHS_NUMBER = "943 476 5919"  # a valid NHS number: refused in every free-text field


def yesterday():
    """Taken when a test asks, never at import: a run that crosses midnight still passes."""
    return timezone.localdate() - datetime.timedelta(days=1)


def date(prefix, value):
    return {f"{prefix}[day]": value.day, f"{prefix}[month]": value.month, f"{prefix}[year]": value.year}


def not_a_date(prefix):
    return {f"{prefix}[day]": "31", f"{prefix}[month]": "2", f"{prefix}[year]": "2026"}


ONE_WAY = {
    # Filters: a list page never refuses its filters; unknown values are ignored.
    "actionplan.forms.ActionFilterForm": "a filter",
    "carehomes.forms.CareHomeFilterForm": "a filter",
    "carehomes.forms.StaffFilterForm": "a filter",
    "carehomes.visits.forms.VisitFilterForm": "a filter",
    "dashboard.forms.FilterForm": "a filter",
    "dashboard.forms.GapFilterForm": "a filter",
    "discharge.forms.FollowUpFilterForm": "a filter",
    "carehomes.views.lookups.LookupForm": "a look-up's query string (no answer is an error)",
    "discharge.views.lookups.LookupForm": "a look-up's query string (no answer is an error)",
    "actionplan.report_views.ReportVersionForm": "a link's query string, not a form people fill in",
    "actionplan.report_views.GenerateReportForm": "one optional field (the week)",
    # One thing to get wrong.
    "accounts.forms.HubPasswordResetForm": "one field (an e-mail address)",
    "actionplan.forms.ActionVersionForm": "one hidden field (the version the page showed)",
    "actionplan.forms.ExportRequestForm": "no field a person fills in",
    "carehomes.assignment_forms.EndAssignmentForm": "one field (the end date)",
    "carehomes.forms.StaffLeaveForm": "one field (the date they left)",
    "carehomes.forms.ImportUploadForm": "one field (the file)",
    "carehomes.forms.ImportConfirmForm": "one optional tick box",
    "organisations.forms.OdsUploadForm": "one field (the files)",
    "organisations.forms.OdsConfirmForm": "one optional tick box",
    "carehomes.forms.SupplyingPharmacyForm": "one field (the pharmacy)",
    "carehomes.visits.forms.NewVisitLinkForm": "a link's query string, not a form people fill in",
    "carehomes.visits.forms.ReasonForm": "one field (the reason)",
    "discharge.forms.EmptyForm": "no fields",
    "discharge.forms.MergeForm": "one choice",
    "discharge.forms.NoteForm": "one field (the note)",
    "discharge.forms.ReadmissionForm": "one choice",
    "discharge.forms.ReopenForm": "one field (the reason)",
    "discharge.forms.UploadConfirmForm": "one optional tick box",
    "discharge.opening_hours_form.OpeningHoursForm": "each day's hours are checked on their own, all at once",
    "organisations.forms.StaffHoursForm": "one field (the hours)",
    "organisations.forms.TrustKindForm": "one choice",
    "workstreams.forms.AcceptOfferForm": "one choice (the care home)",
    "workstreams.forms.ChooseOrganisationForm": "one choice (the organisation)",
}


def cases(world):
    """{form: (form bound to wrong data, [fields that must be in error], [message parts expected])}."""
    from accounts.admin import HubAdminAuthenticationForm
    from accounts.forms import HubPasswordChangeForm, HubSetPasswordForm, SignInForm
    from actionplan import forms as plan
    from api.forms import ApiTokenForm, ServiceTokenForm
    from carehomes import assignment_forms as assign
    from carehomes import fill_gaps_forms as fill
    from carehomes import forms as homes
    from carehomes.home_forms import CareHomeForm
    from carehomes.visits.forms import VisitForm
    from discharge import forms as discharge
    from organisations import forms as orgs
    from workstreams import forms as work

    home, other_org = world["home"], world["other_org"]
    person = world["person"]
    return {
        HubAdminAuthenticationForm: (HubAdminAuthenticationForm(None, data={}), ["username", "password"], []),
        SignInForm: (SignInForm(None, data={}), ["username", "password"], []),
        HubPasswordChangeForm: (
            HubPasswordChangeForm(world["user"], data={"new_password1": "a", "new_password2": "b"}),
            ["old_password", "new_password2"],
            [],
        ),
        HubSetPasswordForm: (
            HubSetPasswordForm(world["user"], data={}),
            ["new_password1", "new_password2"],
            [],
        ),
        # The owner must work for the owning organisation: a service rule, asked with the form's own.
        plan.ActionForm: (
            plan.ActionForm(
                data={
                    "owner_organisation": other_org.pk,
                    "owner": person.pk,
                    **date("due_on", yesterday()),
                    "rag": "amber",
                }
            ),
            ["description", "owner"],
            ["does not work for"],
        ),
        plan.ActionUpdateForm: (
            plan.ActionUpdateForm(data=not_a_date("written_on")),
            ["written_on", "text"],
            [],
        ),
        plan.ExportForm: (
            plan.ExportForm(data={"section": "999999", "format": "exe"}),
            ["section", "format"],
            [],
        ),
        plan.MeetingForm: (plan.MeetingForm(data={"title": "x" * 5000}), ["held_on", "title"], []),
        plan.SectionForm: (plan.SectionForm(data={}), ["name", "code"], []),
        ApiTokenForm: (ApiTokenForm(data={"lifetime_days": "9999"}), ["name", "lifetime_days"], []),
        ServiceTokenForm: (ServiceTokenForm(data={"lifetime_days": "9999"}), ["name", "lifetime_days"], []),
        fill.FillGapsForm: (
            fill.FillGapsForm(data={"locality": "Atlantis"}, localities=["Leeds North"]),
            ["locality", "hours_per_week"],
            [],
        ),
        fill.GapProposalAcceptForm: (
            fill.GapProposalAcceptForm(data={"locality": "Atlantis"}, localities=["Leeds North"]),
            ["locality", "hours_per_week"],
            [],
        ),
        # The end date before the start date: the assignment's own rule, asked with the form's own.
        assign.AssignmentForm: (
            assign.AssignmentForm(
                data={
                    "staff": person.pk,
                    "role": "support",
                    **date("starts_on", yesterday()),
                    **date("ends_on", yesterday() - datetime.timedelta(days=5)),
                }
            ),
            ["hours_per_week", "ends_on"],
            ["The end date must be on or after the start date."],
        ),
        assign.StaffAssignmentForm: (
            assign.StaffAssignmentForm(
                data={
                    "care_home": home.cqc_location_id,
                    "role": "support",
                    **date("starts_on", yesterday()),
                    **date("ends_on", yesterday() - datetime.timedelta(days=5)),
                }
            ),
            ["hours_per_week", "ends_on"],
            ["The end date must be on or after the start date."],
        ),
        # More hours than the person has spare: a rule of the service, asked although the date is missing.
        assign.HandOverForm: (
            assign.HandOverForm(data={"staff": person.pk, "hours_per_week": "12"}, care_home=home),
            ["hours_per_week", "starts_on"],
            ["has only 10 hours a week spare"],
        ),
        homes.OutbreakForm: (
            homes.OutbreakForm(data={"status": "plague", **not_a_date("started_on")}),
            ["status", "started_on"],
            [],
        ),
        # A care home's details (issue 14): the field formats the model checks are asked by the form too.
        CareHomeForm: (
            CareHomeForm(
                data={"name": "", "postcode": "NOT A POSTCODE", "phone": "12345", "cqc_location_id": "X-1"}
            ),
            ["name", "postcode", "phone", "cqc_location_id", "locality", "beds", "home_type"],
            ["Enter a real UK postcode", "Enter a UK phone number"],
        ),
        # More residents than beds: a rule of the visit service, asked although the minutes are missing.
        VisitForm: (
            VisitForm(
                data={
                    "care_home": home.pk,
                    **date("visited_on", yesterday()),
                    "mode": "on_site",
                    "activities": ["smr"],
                    "residents_reviewed": home.beds + 5,
                },
                user=world["pharmacist"],
            ),
            ["minutes_spent", "residents_reviewed"],
            [f"no more than {home.beds}"],
        ),
        discharge.ClosePartialForm: (
            discharge.ClosePartialForm(data={"note": NHS_NUMBER}),
            ["reason", "note"],
            [],
        ),
        discharge.FollowUpForm: (
            discharge.FollowUpForm(data=not_a_date("discharged_on"), trusts=Organisation.objects.all()),
            ["reference", "discharged_on"],
            [],
        ),
        discharge.RedirectForm: (discharge.RedirectForm(data={"note": NHS_NUMBER}), ["pharmacy", "note"], []),
        discharge.Stage3Form: (discharge.Stage3Form(data={"note": NHS_NUMBER}), ["participants", "note"], []),
        discharge.StageForm: (
            discharge.StageForm(data={"issues": ["nonsense"], "note": NHS_NUMBER}),
            ["issues", "note"],
            [],
        ),
        discharge.UploadForm: (
            discharge.UploadForm(data={"trust": "999999"}, files={}, trusts=Organisation.objects.all()),
            ["file", "trust"],
            [],
        ),
        orgs.EngagementForm: (
            orgs.EngagementForm(data={"committed_hours": "-1"}, pcn=world["pcn"]),
            ["engagement", "committed_hours"],
            [],
        ),
        orgs.EngagementNoteForm: (
            orgs.EngagementNoteForm(data=date("held_on", yesterday())),
            ["with_whom", "summary"],
            [],
        ),
        orgs.MembershipForm: (
            orgs.MembershipForm(data={"role": "emperor"}, team=world["team"]),
            ["staff", "role"],
            [],
        ),
        orgs.StaffMemberForm: (
            orgs.StaffMemberForm(data={"role": "pharmacist"}),
            ["name", "hours_per_week"],
            [],
        ),
        work.ProgressNoteForm: (work.ProgressNoteForm(data={}), ["written_on", "text"], []),
        work.SupportOfferForm: (
            work.SupportOfferForm(data=date("starts_on", yesterday()), staff=StaffMember.objects.all()),
            ["staff", "hours_per_week", "starts_on"],
            ["The start date must be today or in the future."],
        ),
        # Needed by yesterday(), and no homes or locality: rules of the service, asked with the form's own.
        work.SupportRequestForm: (
            work.SupportRequestForm(
                data={"hours_per_week": "4", "urgency": "routine", **date("needed_by", yesterday())},
                homes=CareHome.objects.all(),
            ),
            ["title", "needed_by", "care_homes"],
            [
                "must be today or in the future",
                "Choose the care homes that need help, or enter the locality.",
            ],
        ),
        work.WorkstreamForm: (work.WorkstreamForm(data={"status": "sideways"}), ["name", "status"], []),
    }


@pytest.mark.django_db
def test_every_form_shows_all_its_errors_at_once():
    pharmacist = user_with_role(PHARMACY_PROFESSIONAL)
    world = {
        "home": CareHomeFactory(beds=20),
        "other_org": OrganisationFactory(name="Somewhere Else"),
        "person": StaffMemberFactory(hours_per_week=Decimal("10")),
        "pcn": PcnFactory(),
        "team": TeamFactory(),
        "user": pharmacist,
        "pharmacist": pharmacist,
    }
    SectionFactory()
    table = cases(world)
    import config.urls  # noqa: F401 - loads every view module, and the forms some of them define

    names = {f"{form.__module__}.{form.__qualname__}" for form in _hub_forms()}
    covered = {f"{form.__module__}.{form.__qualname__}" for form in table} | set(ONE_WAY)
    assert not names - covered, f"Add these forms to the table or to ONE_WAY: {sorted(names - covered)}"
    assert not covered - names, f"No longer forms of the hub: {sorted(covered - names)}"

    rounds = []
    for form_class, (form, fields, messages) in table.items():
        assert not form.is_valid()
        shown = " ".join(str(m) for errors in form.errors.values() for m in errors)
        missing = [f for f in fields if f not in form.errors] + [m for m in messages if m not in shown]
        if missing:
            rounds.append(
                f"{form_class.__qualname__}: not shown in the first round: {missing} (shown: {shown})"
            )
    assert not rounds, "\n".join(rounds)


@pytest.mark.django_db
def test_the_visit_page_shows_a_missing_field_and_a_broken_rule_in_one_answer(client_for):
    import uuid

    from tests.factories import AssignmentFactory

    pharmacist = user_with_role(PHARMACY_PROFESSIONAL)
    home = CareHomeFactory(name="Larch Court", beds=20)
    AssignmentFactory(staff=pharmacist.staff_member, care_home=home)
    response = client_for(pharmacist).post(
        "/visits/new/",
        {
            "submission_token": str(uuid.uuid4()),
            "care_home": home.pk,
            **date("visited_on", yesterday()),
            "mode": "on_site",
            "activities": ["smr"],
            "residents_reviewed": "25",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter minutes spent." in page
    assert "Residents reviewed must be no more than 20, the number of beds at Larch Court." in page
