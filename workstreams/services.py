"""Writes for workstreams, requests for help and offers of staff time: one function per use case.

Accepting an offer becomes assignments through `carehomes.services.assignment_create`, so the
same capacity rule (no one assigned more hours than they have) applies here as everywhere else.
"""

from decimal import ROUND_DOWN, Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from carehomes import services as carehome_services
from carehomes.models import Assignment
from carehomes.selectors import staff_capacity
from config.dates import uk_date
from config.history import save_checked
from config.mail import absolute_url, email_queue
from config.presenters import hours as hours_text
from organisations.access import SLT, organisation_ids_for, require
from organisations.permissions import Permission
from workstreams.models import ProgressNote, SupportOffer, SupportRequest, Workstream

MINIMUM_SHARE = Decimal("0.5")
TENTH = Decimal("0.1")

# ---------------------------------------------------------------- workstreams


@transaction.atomic
def workstream_create(*, by, **fields) -> Workstream:
    """Start a shared piece of work (SLT and project manager); `fields` as `_workstream_save` takes them."""
    require(by, Permission.ADD_WORKSTREAM)
    return _workstream_save(Workstream(), by=by, **fields)


@transaction.atomic
def workstream_update(*, by, workstream, **fields) -> Workstream:
    """Change a workstream's lead, status, organisations or homes (SLT and project manager); `fields`
    as `_workstream_save` takes them (one left out goes back to its default)."""
    require(by, Permission.CHANGE_WORKSTREAM, workstream)
    return _workstream_save(workstream, by=by, **fields)


def _workstream_save(
    workstream,
    *,
    by,
    name,
    lead_organisation,
    description="",
    lead=None,
    status=Workstream.Status.ACTIVE,
    participating_organisations=(),
    care_homes=(),
):
    """What a workstream holds, checked and saved, then its organisations and homes (which need the
    saved row)."""
    workstream.name = name
    workstream.description = description
    workstream.lead_organisation = lead_organisation
    workstream.lead = lead
    workstream.status = status
    save_checked(workstream, by=by)
    workstream.participating_organisations.set(participating_organisations)
    workstream.care_homes.set(care_homes)
    return workstream


@transaction.atomic
def progress_note_create(*, by, workstream, written_on, text) -> ProgressNote:
    """Add a dated progress note to a workstream."""
    require(by, Permission.CHANGE_WORKSTREAM, workstream)
    if written_on and written_on > timezone.localdate():
        raise ValidationError({"written_on": "The date of a progress note cannot be in the future."})
    note = ProgressNote(workstream=workstream, written_on=written_on, text=text, author=by)
    save_checked(note, by=by)
    return note


# ---------------------------------------------------------------- emails


def _slt_emails():
    users = get_user_model().objects.filter(groups__name=SLT, is_active=True).exclude(email="")
    return list(users.values_list("email", flat=True).distinct())


def _recipients(support_request):
    emails = _slt_emails()
    requester = support_request.raised_by
    if requester and requester.email and requester.email not in emails:
        emails.insert(0, requester.email)
    return emails


def _email_on_commit(subject, body, recipients):
    email_queue(subject=subject, body=body, recipients=recipients, purpose="help request")


# ---------------------------------------------------------------- requests for help


def support_request_problems(*, care_homes, locality, needed_by):
    """A request's rules that need no database: {field: message}. The form asks them too, so its
    own errors and these show in one round."""
    errors = {}
    if not list(care_homes or ()) and not (locality or "").strip():
        errors["care_homes"] = "Choose the care homes that need help, or enter the locality."
    if needed_by and needed_by < timezone.localdate():
        errors["needed_by"] = "The date help is needed by must be today or in the future."
    return errors


@transaction.atomic
def support_request_create(
    *,
    by,
    organisation,
    title,
    hours_per_week,
    needed_by,
    details="",
    skills="",
    care_homes=(),
    locality="",
    urgency=SupportRequest.Urgency.ROUTINE,
) -> SupportRequest:
    """Raise a request for help for an organisation (its lead, or the PM for any organisation).

    The requester and every SLT member are emailed once the request is saved.
    """
    require(by, Permission.ADD_SUPPORTREQUEST, organisation)
    care_homes = list(care_homes)
    errors = support_request_problems(care_homes=care_homes, locality=locality, needed_by=needed_by)
    if errors:
        raise ValidationError(errors)
    support_request = SupportRequest(
        organisation=organisation,
        title=title,
        details=details,
        hours_per_week=hours_per_week,
        skills=skills,
        locality=locality.strip(),
        needed_by=needed_by,
        urgency=urgency,
        raised_by=by,
    )
    save_checked(support_request, by=by)
    support_request.care_homes.set(care_homes)

    where = ", ".join(h.name for h in care_homes) or support_request.locality
    body = (
        f"{organisation.name} has asked for help: {title}.\n\n"
        f"Hours a week: {hours_per_week}\n"
        f"Skills: {skills or 'not stated'}\n"
        f"Where: {where}\n"
        f"Needed by: {uk_date(needed_by)} ({support_request.get_urgency_display().lower()})\n\n"
        f"Offer staff time at {absolute_url(reverse('workstreams:request_detail', args=[support_request.pk]))}\n"
    )
    _email_on_commit(f"Request for help: {title}", body, _recipients(support_request))
    return support_request


@transaction.atomic
def support_request_withdraw(*, by, support_request) -> SupportRequest:
    """Withdraw a request that is no longer needed; offers still waiting are declined."""
    support_request = SupportRequest.objects.select_for_update().get(pk=support_request.pk)
    require(by, Permission.CHANGE_SUPPORTREQUEST, support_request)
    if not support_request.is_open():
        raise ValidationError(
            f"This request is {support_request.get_status_display().lower()} and cannot be withdrawn."
        )
    support_request.status = SupportRequest.Status.WITHDRAWN
    support_request._history_user = by
    support_request.save()
    _decline_waiting(
        support_request.offers.filter(status=SupportOffer.Status.OFFERED), by=by, reason="Request withdrawn"
    )
    return support_request


def _open_request_locked(pk, *, refusal):
    """The request, locked until the end of the transaction; refused, saying why, unless it is
    still open (not met, withdrawn or past the date it was needed by)."""
    support_request = SupportRequest.objects.select_for_update().get(pk=pk)
    if not support_request.is_open():
        raise ValidationError(f"This request is {support_request.current_status().label.lower()}: {refusal}.")
    return support_request


def _offering_organisation(*, by, staff):
    """The organisation an offer of this person is made for: one the user acts for, if they lead one."""
    own = organisation_ids_for(by)
    for organisation in (staff.organisation, staff.second_organisation):
        if organisation is not None and organisation.pk in own:
            return organisation
    return staff.organisation


@transaction.atomic
def support_offer_create(
    *, by, support_request, staff, hours_per_week, starts_on, note="", organisation=None
) -> SupportOffer:
    """Offer someone's time to another organisation's request (its lead, or the PM).

    Only people employed by (or with a second post in) the offering organisation may be offered,
    and only hours they have spare now.
    """
    organisation = organisation or _offering_organisation(by=by, staff=staff)
    require(by, Permission.ADD_SUPPORTOFFER, organisation)
    support_request = _open_request_locked(support_request.pk, refusal="it is no longer taking offers")
    errors = {}
    if organisation.pk == support_request.organisation_id:
        errors["staff"] = (
            "Your organisation raised this request: offer help to other organisations' requests."
        )
    elif not staff.is_active:
        errors["staff"] = f"{staff.name} is not active."
    elif support_request.offers.filter(staff=staff, status=SupportOffer.Status.OFFERED).exists():
        errors["staff"] = f"{staff.name} has already been offered for this request."
    else:
        spare = staff_capacity(type(staff).objects.filter(pk=staff.pk)).get().spare_hours
        if hours_per_week and hours_per_week > spare:
            errors["hours_per_week"] = (
                f"{staff.name} has only {hours_text(spare)} hours a week spare, so cannot be offered "
                f"{hours_text(hours_per_week)}."
            )
    if starts_on and starts_on < timezone.localdate():
        errors["starts_on"] = "The start date must be today or in the future."
    if errors:
        raise ValidationError(errors)
    offer = SupportOffer(
        request=support_request,
        organisation=organisation,
        staff=staff,
        hours_per_week=hours_per_week,
        starts_on=starts_on,
        note=note,
        offered_by=by,
    )
    save_checked(offer, by=by)
    if support_request.status == SupportRequest.Status.OPEN:
        support_request.status = SupportRequest.Status.OFFERED
        support_request._history_user = by
        support_request.save()
    return offer


def _decline_waiting(offers, *, by, reason):
    """Decline offers still waiting, one by one, so that each has a history row with who and why
    (a bulk `update()` would leave none)."""
    for offer in offers.select_for_update().order_by("pk"):
        _offer_decide(offer, SupportOffer.Status.DECLINED, by=by, reason=reason)


def _offer_decide(offer, status, *, by, reason=None):
    """The project manager's decision on an offer: its status, who decided and when, and why in
    its history row."""
    offer.status = status
    offer.decided_by = by
    offer.decided_at = timezone.now()
    offer._history_user = by
    offer._change_reason = reason
    offer.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])


def split_hours(total, count):
    """Split an offer's weekly hours evenly across care homes, in tenths; any remainder goes first.

    6 hours over 4 homes is 1.5 each; 1 hour over 3 homes is 0.4 each, below the half-hour an
    assignment needs, so it is refused.
    """
    total = Decimal(total)
    share = (total / count).quantize(TENTH, rounding=ROUND_DOWN)
    if share < MINIMUM_SHARE:
        raise ValidationError(
            {
                "hours_per_week": f"{hours_text(total)} hours a week cannot be split across {count} care homes: "
                f"each home needs at least half an hour a week."
            }
        )
    shares = [share] * count
    shares[0] += total - share * count
    return shares


@transaction.atomic
def support_offer_accept(*, by, offer, care_home=None) -> SupportOffer:
    """The project manager accepts an offer: it becomes support assignments, all or nothing.

    One support assignment per care home of the request, the offer's hours split evenly across
    them (see `split_hours`). A request that named only a locality needs the PM to choose the
    `care_home`. The request is met once accepted offers cover its hours; other offers still
    waiting are then declined. The requester and the SLT are emailed after the commit.
    """
    require(by, Permission.ACCEPT_SUPPORTOFFER, offer)
    offer = SupportOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status == SupportOffer.Status.ACCEPTED:
        raise ValidationError("This offer has already been accepted.")
    if offer.status != SupportOffer.Status.OFFERED:
        raise ValidationError(f"This offer was {offer.get_status_display().lower()} and cannot be accepted.")
    support_request = _open_request_locked(offer.request_id, refusal="its offers can no longer be accepted")

    homes = list(support_request.care_homes.order_by("name"))
    if not homes:
        if care_home is None:
            raise ValidationError(
                {"care_home": "This request names a locality, not care homes: choose the care home."}
            )
        homes = [care_home]

    staff = offer.staff
    assignments = [
        carehome_services.assignment_create(
            by=by,
            care_home=home,
            staff=staff,
            role=Assignment.Role.SUPPORT,
            hours_per_week=hours,
            starts_on=offer.starts_on,
        )
        for home, hours in zip(homes, split_hours(offer.hours_per_week, len(homes)), strict=True)
    ]

    _offer_decide(offer, SupportOffer.Status.ACCEPTED, by=by)
    offer.assignments.add(*assignments)

    accepted = sum(
        support_request.offers.filter(status=SupportOffer.Status.ACCEPTED).values_list(
            "hours_per_week", flat=True
        ),
        Decimal("0"),
    )
    waiting = support_request.offers.filter(status=SupportOffer.Status.OFFERED)
    if accepted >= support_request.hours_per_week:
        support_request.status = SupportRequest.Status.MET
        _decline_waiting(waiting, by=by, reason="Request met by another offer")
    else:
        support_request.status = (
            SupportRequest.Status.OFFERED if waiting.exists() else SupportRequest.Status.OPEN
        )
    support_request._history_user = by
    support_request.save()

    body = (
        f'An offer of help for "{support_request.title}" ({support_request.organisation.name}) '
        f"has been accepted.\n\n"
        f"{staff.name} of {offer.organisation.name} will give {hours_text(offer.hours_per_week)} hours a week "
        f"from {uk_date(offer.starts_on)}:\n"
        + "".join(f"- {a.care_home.name}: {hours_text(a.hours_per_week)} hours a week\n" for a in assignments)
        + f"\nThe request is now {support_request.get_status_display().lower()}.\n"
        f"{absolute_url(reverse('workstreams:request_detail', args=[support_request.pk]))}\n"
    )
    _email_on_commit(f"Offer accepted: {support_request.title}", body, _recipients(support_request))
    return offer


@transaction.atomic
def support_offer_decline(*, by, offer) -> SupportOffer:
    """The project manager declines an offer that does not fit."""
    require(by, Permission.ACCEPT_SUPPORTOFFER, offer)
    offer = SupportOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != SupportOffer.Status.OFFERED:
        raise ValidationError(f"This offer is already {offer.get_status_display().lower()}.")
    _offer_decide(offer, SupportOffer.Status.DECLINED, by=by)
    support_request = SupportRequest.objects.select_for_update().get(pk=offer.request_id)
    if (
        support_request.status == SupportRequest.Status.OFFERED
        and not support_request.offers.filter(status=SupportOffer.Status.OFFERED).exists()
    ):
        support_request.status = SupportRequest.Status.OPEN
        support_request._history_user = by
        support_request.save()
    return offer
