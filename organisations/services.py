"""Writes for organisations: teams, PCN engagement, the ODS import and import runs."""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from config.dates import uk_datetime
from config.history import save_checked
from config.mail import absolute_url, email_queue
from config.patient_data import patient_data_problem
from config.security import end_sessions
from organisations import ods_files, ods_reports, selectors
from organisations.access import PROJECT_MANAGER, SLT, leadership_announced, require
from organisations.models import (
    EngagementNote,
    ImportRun,
    Membership,
    Organisation,
    Sector,
    StaffMember,
    Team,
)
from organisations.ods_import import OdsOutcome, ods_apply
from organisations.permissions import Permission
from organisations.signals import staff_left


def _role_granted_by(team, role):
    """The hub role a team membership carries: any SLT seat, or the operational team's PM."""
    if team.kind == Team.Kind.SLT:
        return SLT
    if team.kind == Team.Kind.OPERATIONAL and role == Membership.Role.PROJECT_MANAGER:
        return PROJECT_MANAGER
    return None


def _roles_still_granted(staff, *, excluding):
    memberships = Membership.objects.filter(staff=staff).exclude(pk=excluding.pk).select_related("team")
    return {r for m in memberships if (r := _role_granted_by(m.team, m.role))}


def membership_permission(*, team, role) -> Permission:
    """What it takes to seat (or unseat) someone: a seat that grants the SLT or project manager role
    needs SEAT_LEADERSHIP (an SLT member or a superuser); any other seat, ADD_MEMBERSHIP (the PM)."""
    return Permission.SEAT_LEADERSHIP if _role_granted_by(team, role) else Permission.ADD_MEMBERSHIP


def membership_end_permission(membership) -> Permission:
    """What it takes to unseat someone: SEAT_LEADERSHIP for an SLT or PM seat, else CHANGE_MEMBERSHIP."""
    if _role_granted_by(membership.team, membership.role):
        return Permission.SEAT_LEADERSHIP
    return Permission.CHANGE_MEMBERSHIP


def _slt_addresses():
    """Every SLT member's address: logins with the SLT role, and the staff seated on the SLT."""
    users = get_user_model().objects.filter(groups__name=SLT, is_active=True).exclude(email="")
    addresses = set(users.values_list("email", flat=True))
    seated = StaffMember.objects.filter(memberships__team__kind=Team.Kind.SLT, is_active=True)
    addresses |= {e for e in seated.values_list("email", flat=True) if e}
    return sorted(addresses)


def _actor_name(by):
    if by is None:
        return "someone outside the hub's pages (a command or the database)"
    staff = StaffMember.objects.filter(user=by).only("name").first()
    name = staff.name if staff else (by.get_full_name() or by.get_username())
    return f"{name} (superuser)" if by.is_superuser else name


def leadership_change_announce(*, what: str, by, at=None) -> None:
    """E-mail every SLT member that someone was given (or lost) the SLT or project manager role."""
    when = uk_datetime(at or timezone.now())
    body = "\n".join(
        [
            f"{what}.",
            "",
            f"By: {_actor_name(by)}",
            f"When: {when}",
            "",
            "Seats on the SLT and the project manager seat give those roles in the hub. If this was not "
            "expected, ask a superuser to remove the seat.",
            f"See the teams: {absolute_url(reverse('teams:list'))}",
        ]
    )
    email_queue(
        subject=f"{settings.HUB['SERVICE_NAME']}: {what}",
        body=body,
        recipients=_slt_addresses(),
        purpose="leadership seat",
    )


def _seat_description(membership, granted):
    return f"{membership.staff.name} was given the {granted} role ({membership.get_role_display()} on the {membership.team.name})"


@transaction.atomic
def membership_create(*, by, team, staff, organisation, role=Membership.Role.MEMBER) -> Membership:
    """Seat someone on a team for an organisation. Membership grants the matching role.

    A seat on the SLT makes the person's login an "SLT member"; the operational team's project
    manager seat makes it a "Project manager". Only an SLT member or a superuser may give those
    seats (never the project manager alone), and every SLT member is e-mailed who was seated, by
    whom and when. People without a login are seated all the same.
    """
    require(by, membership_permission(team=team, role=role))
    if Membership.objects.filter(team=team, staff=staff).exists():
        raise ValidationError({"staff": f"{staff.name} is already on the {team.name}."})
    membership = Membership(team=team, staff=staff, organisation=organisation, role=role)
    save_checked(membership, by=by)
    granted = _role_granted_by(team, role)
    if granted:
        with leadership_announced():
            if staff.user_id:
                staff.user.groups.add(Group.objects.get(name=granted))
        leadership_change_announce(what=_seat_description(membership, granted), by=by)
    return membership


@transaction.atomic
def membership_end(*, by, membership) -> None:
    """Take someone off a team; the role it granted goes unless another membership still grants it.
    Unseating from the SLT or the project manager seat is for an SLT member or a superuser too."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("team", "staff__user")
        .get(pk=membership.pk)
    )
    require(by, membership_end_permission(membership))
    granted = _role_granted_by(membership.team, membership.role)
    staff = membership.staff
    if granted and staff.user_id and granted not in _roles_still_granted(staff, excluding=membership):
        staff.user.groups.remove(Group.objects.get(name=granted))
    membership._history_user = by
    membership.delete()
    if granted:
        leadership_change_announce(
            what=f"{staff.name} was taken off the {membership.team.name} ({membership.get_role_display()})",
            by=by,
        )


@transaction.atomic
def pcn_engagement_update(*, by, pcn, engagement, committed_hours, clinical_director=None) -> Organisation:
    """Record how engaged a PCN is, the hours it has committed and its clinical director."""
    require(by, Permission.ADD_ENGAGEMENTNOTE, pcn)
    if not pcn.is_pcn:
        raise ValidationError({"engagement": "Only a PCN has an engagement status."})
    pcn.engagement = engagement
    pcn.committed_hours = committed_hours
    pcn.clinical_director = clinical_director
    save_checked(pcn, by=by)
    return pcn


@transaction.atomic
def engagement_note_create(*, by, pcn, held_on, with_whom, summary) -> EngagementNote:
    """Add a dated note of a conversation with a PCN."""
    require(by, Permission.ADD_ENGAGEMENTNOTE, pcn)
    if not pcn.is_pcn:
        raise ValidationError({"summary": "Conversation notes are kept for PCNs only."})
    note = EngagementNote(pcn=pcn, held_on=held_on, with_whom=with_whom, summary=summary, recorded_by=by)
    save_checked(note, by=by)
    return note


# Imports ------------------------------------------------------------------------------------------

MAX_RECORDED_MESSAGES = 200
TRUST_SECTORS = {
    Organisation.Kind.ACUTE_TRUST: Sector.SECONDARY,
    Organisation.Kind.MENTAL_HEALTH_TRUST: Sector.MENTAL_HEALTH,
    Organisation.Kind.COMMUNITY_TRUST: Sector.COMMUNITY,
}


def _files_hash(files):
    """One file's SHA-256; for several, the SHA-256 of their names and hashes in order."""
    if len(files) == 1:
        return files[0]["sha256"]
    joined = "\n".join(f"{f['name']}:{f['sha256']}" for f in files)
    return hashlib.sha256(joined.encode()).hexdigest()


def import_run_record(
    *,
    source,
    via,
    outcome,
    files,
    by=None,
    started_at,
    rows=0,
    created=0,
    updated=0,
    closed=0,
    skipped=0,
    errors=0,
    messages=(),
    realigned=(),
) -> ImportRun:
    """Record one import run, ODS or CQC: what it read (names, hashes, rows) and what it did.

    `files` is a list of {"name", "sha256", ...}. Called by the import services themselves,
    inside their transaction when the run applied, after it rolled back when the run failed.
    """
    # A file's name is the one free text a run keeps from outside: it too may hold no patient data.
    files = [
        {**f, "name": "(a file whose name looked like patient data)"}
        if patient_data_problem(f["name"])
        else f
        for f in files
    ]
    run = ImportRun(
        source=source,
        via=via,
        outcome=outcome,
        file_name=", ".join(f["name"] for f in files)[:500] or "(no file)",
        file_hash=_files_hash(files) if files else "",
        files=list(files),
        rows=rows,
        created=created,
        updated=updated,
        closed=closed,
        skipped=skipped,
        errors=errors,
        messages=list(messages)[:MAX_RECORDED_MESSAGES],
        realigned=list(realigned),
        by=by if getattr(by, "is_authenticated", False) else None,
        started_at=started_at,
        finished_at=timezone.now(),
    )
    run.full_clean()
    run.save()
    return run


class _DryRun(Exception):
    def __init__(self, outcome):
        self.outcome = outcome


def ods_import(
    *, by, files, via=ImportRun.Via.COMMAND, dry_run=False, skip_bad_rows=True
) -> tuple[OdsOutcome, ImportRun | None]:
    """Import ODS reports (a list of (file name, bytes)) in one transaction, and record the run.

    Row problems are reported and those rows left out; with `skip_bad_rows=False` (an upload the
    person has not agreed to import without its bad rows) a run with any row problem is rolled
    back whole and not recorded, like a dry run. A file that cannot be read, or whose layout has
    changed, imports nothing at all (OdsFileError) and is recorded as a failed run. A dry run
    applies everything, reports it (with the names of what it touched, `outcome.names`), and rolls
    it all back: nothing saved, nothing recorded. `by` is None for the command and the monthly task.
    """
    if by is not None:
        require(by, Permission.IMPORT_ODS)
    started_at = timezone.now()
    described = [
        {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)} for name, data in files
    ]
    try:
        reports = []
        for entry, (name, data) in zip(described, files, strict=True):
            read = ods_reports.read_reports(data, name)
            entry["reports"] = [{"name": r.name, "kind": r.kind, "rows": r.lines} for r in read]
            reports += read
        with transaction.atomic():
            outcome = ods_apply(reports, by=by)
            if dry_run or (outcome.problems and not skip_bad_rows):
                outcome.names = selectors.organisation_names(outcome.created | outcome.updated)
                raise _DryRun(outcome)
            summary = outcome.summary()
            run = import_run_record(
                source=ImportRun.Source.ODS,
                via=via,
                outcome=ImportRun.Outcome.APPLIED,
                files=described,
                by=by,
                started_at=started_at,
                messages=[f"{name} line {p.line}: {p.reason}" for name, p in outcome.problems],
                realigned=outcome.realigned,
                **summary,
            )
    except _DryRun as dry:
        return dry.outcome, None
    except ods_files.OdsFileError as error:
        if not dry_run and via != ImportRun.Via.UPLOAD:  # a refused upload is shown, not kept
            import_run_record(
                source=ImportRun.Source.ODS,
                via=via,
                outcome=ImportRun.Outcome.FAILED,
                files=described,
                by=by,
                started_at=started_at,
                messages=[str(error)],
            )
        raise
    return outcome, run


def ods_upload_preview(*, by, files) -> OdsOutcome:
    """What uploading these ODS files would do (project manager): applied and rolled back, so
    nothing is saved and no run recorded. Raises OdsFileError, with a plain reason, for a file
    that cannot be imported at all."""
    outcome, _run = ods_import(by=by, files=files, via=ImportRun.Via.UPLOAD, dry_run=True)
    return outcome


@transaction.atomic
def trust_kind_choose(*, by, organisation, kind) -> Organisation:
    """Say what kind of trust a trust is (the ODS files do not): acute, mental health or community."""
    require(by, Permission.CHANGE_ORGANISATION, organisation)
    if kind not in TRUST_SECTORS:
        raise ValidationError({"kind": "Choose acute, mental health or community healthcare trust."})
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.kind not in (*TRUST_SECTORS, Organisation.Kind.NHS_TRUST):
        raise ValidationError({"kind": f"{organisation.name} is not an NHS trust."})
    organisation.kind = kind
    organisation.sector = TRUST_SECTORS[kind]
    save_checked(organisation, by=by)
    return organisation


@transaction.atomic
def staff_member_leave(*, by, staff, left_on=None) -> StaffMember:
    """A staff member has left (project manager): inactive from `left_on` (default today).

    At once, in this transaction: their login is made inactive and every session of it ends, and
    `staff_left` is sent so that the apps above act on it (accounts unbinds their NHS identity,
    api revokes their API tokens). The change is in the person's history with who made it.
    """
    require(by, Permission.CHANGE_STAFFMEMBER, staff)
    staff = StaffMember.objects.select_for_update(of=("self",)).select_related("user").get(pk=staff.pk)
    if not staff.is_active:
        raise ValidationError(f"{staff.name} has already left.")
    left_on = left_on or timezone.localdate()
    if left_on > timezone.localdate():
        raise ValidationError({"left_on": "The date they left must be today or in the past."})
    staff.is_active = False
    staff.left_on = left_on
    staff._history_user = by
    staff._change_reason = "Left"
    staff.full_clean()
    staff.save()
    if staff.user is not None:
        staff.user.is_active = False
        staff.user.save(update_fields=["is_active"])
        end_sessions(staff.user)
    staff_left.send(sender=StaffMember, staff=staff)
    return staff


@transaction.atomic
def staff_member_add(
    *, by, organisation, name, role, funding, hours_per_week, gphc_number=None
) -> StaffMember:
    """Add a person to an organisation's staff: its organisation lead (their own), or the project manager.

    So that an organisation lead has someone to offer to others' requests for help.
    """
    require(by, Permission.LEAD_ORGANISATION, organisation)
    staff = StaffMember(
        organisation=organisation,
        name=name,
        role=role,
        funding=funding,
        hours_per_week=hours_per_week,
        gphc_number=gphc_number or None,
    )
    save_checked(staff, by=by)
    return staff
