"""A community pharmacy's weekly opening hours: its own staff and the project manager enter them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from config.forms import answer_write
from config.rendering import redirect_with_notice, render_confirm, render_page
from discharge import selectors, services, timers
from discharge.opening_hours_form import OpeningHoursForm, describe_change, describe_sessions
from organisations.access import require
from organisations.permissions import Permission


def _pharmacy(request, pk):
    pharmacy = selectors.community_pharmacy(pk)
    if pharmacy is None:
        raise Http404
    require(request.user, Permission.CHANGE_OPENING_HOURS, pharmacy)
    return pharmacy


def pharmacy_opening_hours(request, pk):
    pharmacy = _pharmacy(request, pk)
    current = selectors.opening_sessions(pharmacy)
    form = OpeningHoursForm(request.POST or None, current=current)
    return answer_write(
        form,
        lambda _: services.pharmacy_set_opening_hours(
            by=request.user, pharmacy=pharmacy, sessions=form.sessions
        ),
        done=lambda _: redirect_with_notice(
            request,
            f"{pharmacy.name}'s opening hours are saved. The 72-hour stage 1 timer now counts them.",
            "discharge:opening_hours",
            pharmacy.pk,
        ),
        refused=lambda: render_page(
            request,
            "discharge/opening_hours.jinja",
            {
                "page_title": f"Opening hours: {pharmacy.name}",
                "pharmacy": pharmacy,
                "form": form,
                "recorded": bool(current),
                "default_name": timers.DEFAULT_SCHEDULE_NAME,
                "history": [
                    {**entry, "lines": [describe_change(*change) for change in entry["changes"]]}
                    for entry in selectors.opening_hours_history(pharmacy)
                ],
            },
            status=400 if request.method == "POST" else 200,
        ),
    )


@require_http_methods(["GET", "POST"])
def pharmacy_opening_hours_default(request, pk):
    """ "Go back to the default opening hours?" (GET), then the change (POST)."""
    pharmacy = _pharmacy(request, pk)
    back = reverse("discharge:opening_hours", args=[pharmacy.pk])
    default = timers.DEFAULT_SCHEDULE_NAME.replace(" (no opening hours recorded)", "")
    current = selectors.opening_sessions(pharmacy)
    if request.method == "GET":
        if not current:
            return redirect(back)
        waiting = selectors.waiting_for_stage1_count(pharmacy)
        return render_confirm(
            request,
            question=f"Go back to the default opening hours for {pharmacy.name}?",
            rows=[("Recorded hours now", describe_sessions(current)), ("Default hours", default)],
            happens=[
                "The recorded hours are removed. The change is kept in the hours' history with your name.",
                f"The 72-hour stage 1 timer counts {default} for this pharmacy, "
                "and the follow-up pages say so.",
                f"{_follow_ups(waiting)} still waiting for stage 1 at this pharmacy "
                f"{'get new deadlines' if waiting != 1 else 'gets a new deadline'} from the default hours.",
                "To count the pharmacy's own hours again, enter them on the opening hours page.",
            ],
            button="Go back to the default hours",
            keep_text="Keep the recorded hours",
            back=back,
        )
    try:
        services.pharmacy_reset_opening_hours(by=request.user, pharmacy=pharmacy)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(
            request, f"{pharmacy.name} is back to the default hours. The stage 1 timer now counts {default}."
        )
    return redirect(back)


def _follow_ups(n):
    return {0: "No follow-ups are", 1: "1 follow-up is"}.get(n, f"{n:,} follow-ups are")
