"""A community pharmacy's weekly opening hours: its own staff and the project manager enter them."""

from django.http import Http404

from config.forms import answer_write
from config.rendering import redirect_with_notice, render_page
from discharge import selectors, services, timers
from discharge.opening_hours_form import OpeningHoursForm, describe_change
from organisations.access import require
from organisations.permissions import Permission


def pharmacy_opening_hours(request, pk):
    pharmacy = selectors.community_pharmacy(pk)
    if pharmacy is None:
        raise Http404
    require(request.user, Permission.CHANGE_OPENING_HOURS, pharmacy)
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
