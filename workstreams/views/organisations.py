"""The organisation pages: the list, one organisation with its PCN engagement, and "my organisation"."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from carehomes import services as carehome_services
from config.forms import answer_write
from config.presenters import hours_phrase
from config.rendering import found_or_404, redirect_with_notice
from organisations import selectors as organisation_selectors
from organisations import services as organisation_services
from organisations.access import (
    may,
    require,
    requires,
    staff_member_for,
)
from organisations.forms import EngagementForm, EngagementNoteForm, StaffHoursForm, StaffMemberForm
from organisations.models import Organisation, Sector
from organisations.permissions import Permission
from workstreams import selectors
from workstreams.views.common import history_for, page_of, render_with_labels


@requires(Permission.VIEW_ORGANISATION)
def organisation_list(request):
    kind = request.GET.get("kind") or ""
    sector = request.GET.get("sector") or ""
    kind = kind if kind in Organisation.Kind.values else ""
    sector = sector if sector in Sector.values else ""
    page = page_of(request, selectors.organisation_list(kind=kind or None, sector=sector or None))
    sees_gaps = may(request.user, Permission.VIEW_ENGAGEMENTNOTE)
    return render_with_labels(
        request,
        "organisations/organisation_list.jinja",
        {
            "page_title": "Organisations",
            "page": page,
            "kind": kind,
            "sector": sector,
            "kinds": Organisation.Kind.choices,
            "sectors": Sector.choices,
            "pcn_gaps": selectors.pcns_without_committed_hours() if sees_gaps else None,
        },
    )


@requires(Permission.VIEW_ORGANISATION)
def organisation_detail(request, pk, engagement_form=None, note_form=None):
    data = found_or_404(selectors.organisation_page, pk)
    organisation = data.organisation
    may_engage = organisation.is_pcn and may(request.user, Permission.ADD_ENGAGEMENTNOTE, organisation)
    if may_engage:
        engagement_form = engagement_form or EngagementForm(
            pcn=organisation,
            initial={
                "engagement": organisation.engagement,
                "committed_hours": organisation.committed_hours,
                "clinical_director": organisation.clinical_director_id,
            },
        )
        note_form = note_form or EngagementNoteForm()
    return render_with_labels(
        request,
        "organisations/organisation_detail.jinja",
        {
            "page_title": organisation.name,
            "data": data,
            "organisation": organisation,
            "may_engage": may_engage,
            "sees_notes": may(request.user, Permission.VIEW_ENGAGEMENTNOTE, organisation),
            "sees_staff": may(request.user, Permission.VIEW_ORGANISATION_STAFF, organisation),
            "engagement_form": engagement_form if may_engage else None,
            "note_form": note_form if may_engage else None,
            "may_raise": may(request.user, Permission.ADD_SUPPORTREQUEST, organisation),
            "needs": selectors.organisation_lead_needs(organisation)
            if _leads_it(request.user, organisation)
            else None,
            "history": history_for(request.user, selectors.organisation_history, organisation),
        },
        status=400
        if any(f is not None and f.is_bound and f.errors for f in (engagement_form, note_form))
        else 200,
    )


def _leads_it(user, organisation):
    """The organisation's own lead, on their own organisation's page (their home page)."""
    member = staff_member_for(user)
    return (
        member is not None
        and member.organisation_id == organisation.pk
        and may(user, Permission.VIEW_MY_ORGANISATION)
    )


@require_POST
@requires(Permission.ADD_ENGAGEMENTNOTE)
def engagement_update(request, pk):
    pcn = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.PCN)
    form = EngagementForm(request.POST, pcn=pcn)
    return answer_write(
        form,
        lambda data: organisation_services.pcn_engagement_update(by=request.user, pcn=pcn, **data),
        done=lambda _: redirect_with_notice(request, "Engagement saved.", "organisations:detail", pk=pk),
        refused=lambda: organisation_detail(request, pk, engagement_form=form),
    )


@require_POST
@requires(Permission.ADD_ENGAGEMENTNOTE)
def engagement_note_add(request, pk):
    pcn = get_object_or_404(Organisation, pk=pk, kind=Organisation.Kind.PCN)
    form = EngagementNoteForm(request.POST)
    return answer_write(
        form,
        lambda data: organisation_services.engagement_note_create(by=request.user, pcn=pcn, **data),
        done=lambda _: redirect_with_notice(request, "Conversation recorded.", "organisations:detail", pk=pk),
        refused=lambda: organisation_detail(request, pk, note_form=form),
    )


@requires(Permission.VIEW_MY_ORGANISATION)
def my_organisation(request):
    member = staff_member_for(request.user)
    if member is None:
        return render_with_labels(
            request,
            "workstreams/no_staff_record.jinja",
            {"page_title": "My organisation", "project_managers": organisation_selectors.project_managers()},
        )
    return redirect("organisations:detail", pk=member.organisation_id)


def _led_organisation(request, pk):
    """The organisation whose staff the user manages: their own as its lead, or any for the PM."""
    organisation = found_or_404(selectors.organisation_page, pk).organisation
    require(request.user, Permission.LEAD_ORGANISATION, organisation)
    return organisation


@require_http_methods(["GET", "POST"])
def staff_add(request, pk):
    """An organisation lead adds one of their own people, so they have someone to offer."""
    organisation = _led_organisation(request, pk)
    form = StaffMemberForm(request.POST or None)
    return answer_write(
        form,
        lambda data: organisation_services.staff_member_add(
            by=request.user, organisation=organisation, **data
        ),
        done=lambda member: redirect_with_notice(
            request,
            f"{member.name} is on {organisation.name}'s staff, with {hours_phrase(member.hours_per_week)} a week.",
            reverse("organisations:detail", args=[organisation.pk]) + "#staff",
        ),
        refused=lambda: render_with_labels(
            request,
            "organisations/staff_form.jinja",
            {
                "page_title": f"Add a person to {organisation.name}",
                "organisation": organisation,
                "form": form,
            },
            status=400 if form.errors else 200,
        ),
    )


@require_http_methods(["GET", "POST"])
def staff_hours(request, pk, staff_pk):
    """An organisation lead changes the hours a week one of their people has for care homes."""
    organisation = _led_organisation(request, pk)
    member = selectors.organisation_staff_member(organisation=organisation, pk=staff_pk)
    if member is None:
        raise Http404
    form = StaffHoursForm(request.POST or None, initial={"hours_per_week": member.hours_per_week})
    return answer_write(
        form,
        lambda data: carehome_services.staff_hours_update(
            by=request.user, staff=member, hours_per_week=data["hours_per_week"]
        ),
        done=lambda changed: redirect_with_notice(
            request,
            f"{changed.name} now has {hours_phrase(changed.hours_per_week)} a week for care homes.",
            reverse("organisations:detail", args=[organisation.pk]) + "#staff",
        ),
        refused=lambda: render_with_labels(
            request,
            "organisations/staff_hours.jinja",
            {
                "page_title": f"Change {member.name}'s hours",
                "organisation": organisation,
                "member": member,
                "form": form,
            },
            status=400 if form.errors else 200,
        ),
    )
