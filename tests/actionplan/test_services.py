import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from actionplan import selectors, services
from actionplan.models import Action, ActionUpdate, Rag
from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    MeetingFactory,
    OrganisationFactory,
    SectionFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def _new_action(by, section=None, **fields):
    organisation = fields.pop("owner_organisation", None) or OrganisationFactory()
    return services.action_create(
        by=by,
        section=section or SectionFactory(),
        description=fields.pop("description", "Supply end-of-life medicines to every home."),
        owner_organisation=organisation,
        due_on=fields.pop("due_on", timezone.localdate() + datetime.timedelta(days=14)),
        **fields,
    )


def test_action_create_numbers_actions_per_section(pm_user):
    pharmacy = SectionFactory(code="PH", name="Pharmacy support")
    infection = SectionFactory(code="IC", name="Infection control", plan=pharmacy.plan)

    first = _new_action(pm_user, pharmacy)
    second = _new_action(pm_user, pharmacy)
    other = _new_action(pm_user, infection)

    assert [first.reference, second.reference, other.reference] == ["PH-01", "PH-02", "IC-01"]


def test_action_create_follows_the_highest_number_in_the_section(pm_user):
    section = SectionFactory()
    ActionFactory(section=section, number=7)

    assert _new_action(pm_user, section).reference == "PH-08"


def test_action_create_refused_for_slt(slt_user):
    with pytest.raises(PermissionDenied):
        _new_action(slt_user)
    assert not Action.objects.exists()


def test_action_create_refuses_an_owner_from_another_organisation(pm_user):
    owner = StaffMemberFactory()

    with pytest.raises(ValidationError) as error:
        _new_action(pm_user, owner=owner, owner_organisation=OrganisationFactory())

    assert "does not work for" in error.value.message_dict["owner"][0]


def test_action_update_saves_bumps_the_version_and_records_who(pm_user):
    action = _new_action(pm_user)

    saved = services.action_update(by=pm_user, action=action, version=1, rag=Rag.RED, description="Changed")

    saved.refresh_from_db()
    assert (saved.version, saved.rag, saved.description) == (2, Rag.RED, "Changed")
    latest = saved.history.first()
    assert latest.history_user == pm_user
    assert latest.history_change_reason == "Details edited"


def test_action_update_refuses_a_stale_version_and_says_what_changed(pm_user):
    """Two people open version 1; the first saves; the second save is refused, nothing lost."""
    action = _new_action(pm_user, rag=Rag.AMBER)
    services.action_update(by=pm_user, action=action, version=1, rag=Rag.RED)

    with pytest.raises(services.ActionChangedMeanwhile) as error:
        services.action_update(by=pm_user, action=action, version=1, description="My wording")

    conflict = error.value
    assert conflict.current_version == 2
    assert [(c.label, c.old, c.new) for c in conflict.changes] == [("RAG", "Amber", "Red")]
    assert "RAG: Amber → Red" in conflict.messages[0]
    action.refresh_from_db()
    assert action.description != "My wording"
    assert action.rag == Rag.RED


def test_action_update_with_nothing_changed_keeps_the_version(pm_user):
    action = _new_action(pm_user)

    saved = services.action_update(by=pm_user, action=action, version=1, rag=action.rag)

    assert saved.version == 1
    assert action.history.count() == 1


def test_action_update_refused_for_slt(slt_user, pm_user):
    action = _new_action(pm_user)
    with pytest.raises(PermissionDenied):
        services.action_update(by=slt_user, action=action, version=1, rag=Rag.RED)


def test_close_and_reopen_keep_the_action_and_its_history(pm_user):
    action = _new_action(pm_user)

    services.action_close(by=pm_user, action=action)
    action.refresh_from_db()
    assert (action.is_open, action.closed_on) == (False, timezone.localdate())
    with pytest.raises(ValidationError):
        services.action_close(by=pm_user, action=action)

    services.action_reopen(by=pm_user, action=action)
    action.refresh_from_db()
    assert (action.is_open, action.closed_on, action.version) == (True, None, 3)

    history = selectors.action_history(action)
    assert [e.reason for e in history] == ["Reopened", "Closed", "Action added"]
    assert [(c.label, c.old, c.new) for c in history[1].changes][0] == ("Status", "open", "closed")
    assert all(e.who == pm_user.get_full_name() for e in history)


def test_history_names_related_values_and_keeps_every_change(pm_user):
    first, second = (
        OrganisationFactory(name="Leeds Teaching Hospitals"),
        OrganisationFactory(name="Leeds CCG"),
    )
    action = _new_action(pm_user, owner_organisation=first)

    services.action_update(by=pm_user, action=action, version=1, owner_organisation=second)
    services.action_update(by=pm_user, action=action, version=2, due_on=datetime.date(2027, 1, 8))

    history = selectors.action_history(action)
    assert len(history) == 3
    assert [(c.label, c.old, c.new) for c in history[1].changes] == [
        ("Owning organisation", "Leeds Teaching Hospitals", "Leeds CCG")
    ]
    assert history[0].changes[0].new == "8 January 2027"


def test_update_by_pm_with_a_new_rag_sets_the_actions_rag(pm_user):
    action = _new_action(pm_user, rag=Rag.AMBER)

    update = services.actionupdate_create(by=pm_user, action=action, text="Stock short", rag=Rag.RED)

    action.refresh_from_db()
    assert action.rag == Rag.RED
    assert action.version == 2
    assert (update.author, update.written_on) == (pm_user, timezone.localdate())
    assert action.history.first().history_user == pm_user


def test_update_without_a_rag_leaves_the_action_alone(pm_user):
    action = _new_action(pm_user)

    services.actionupdate_create(by=pm_user, action=action, text="On track")

    action.refresh_from_db()
    assert action.version == 1


def test_slt_may_update_only_their_own_organisations_actions(slt_user, pm_user):
    own = _new_action(pm_user, owner_organisation=slt_user.staff_member.organisation)
    others = _new_action(pm_user)

    services.actionupdate_create(by=slt_user, action=own, text="Our pharmacists are on it", rag=Rag.GREEN)
    with pytest.raises(PermissionDenied):
        services.actionupdate_create(by=slt_user, action=others, text="Not ours")

    assert ActionUpdate.objects.filter(action=own).count() == 1
    assert not ActionUpdate.objects.filter(action=others).exists()


@pytest.mark.parametrize("fixture", ["pharmacist_user", "orglead_user"])
def test_others_may_not_add_updates(request, fixture, pm_user):
    action = _new_action(pm_user)
    with pytest.raises(PermissionDenied):
        services.actionupdate_create(by=request.getfixturevalue(fixture), action=action, text="Hello")


def test_update_dated_in_the_future_is_refused(pm_user):
    action = _new_action(pm_user)
    with pytest.raises(ValidationError) as error:
        services.actionupdate_create(
            by=pm_user,
            action=action,
            text="Soon",
            written_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "written_on" in error.value.message_dict


def test_meeting_create_refuses_a_second_meeting_on_the_same_day(pm_user, slt_user):
    services.meeting_create(by=pm_user, held_on=datetime.date(2026, 11, 26))

    with pytest.raises(ValidationError):
        services.meeting_create(by=pm_user, held_on=datetime.date(2026, 11, 26))
    with pytest.raises(PermissionDenied):
        services.meeting_create(by=slt_user, held_on=datetime.date(2026, 12, 3))


def test_section_create_numbers_from_its_own_prefix(pm_user):
    section = services.section_create(by=pm_user, name="Infection control", code="ic")

    assert section.code == "IC"
    assert _new_action(pm_user, section).reference == "IC-01"


def test_export_paper_counts_since_the_meeting_before_the_chosen_one(pm_user):
    section = SectionFactory()
    MeetingFactory(held_on=datetime.date(2026, 11, 5))
    previous = MeetingFactory(held_on=datetime.date(2026, 11, 12))
    meeting = MeetingFactory(held_on=datetime.date(2026, 11, 19))
    action = ActionFactory(section=section, number=1, due_on=datetime.date(2026, 11, 1))
    closed = ActionFactory(section=section, number=2, is_open=False, closed_on=datetime.date(2026, 11, 15))
    ActionFactory(section=section, number=3, is_open=False, closed_on=datetime.date(2026, 11, 10))
    ActionUpdateFactory(action=action, written_on=datetime.date(2026, 11, 11), text="before")
    ActionUpdateFactory(action=action, written_on=datetime.date(2026, 11, 13), text="since")
    ActionUpdateFactory(action=action, written_on=datetime.date(2026, 11, 20), text="after")

    paper = selectors.export_paper(section=section, meeting=meeting, today=TODAY)

    assert paper.previous_meeting == previous
    assert [u.text for u in paper.updates_since] == ["since"]
    assert paper.closed_since == [closed]
    assert paper.overdue == [action]
