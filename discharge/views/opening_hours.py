"""A community pharmacy's weekly opening hours: its own staff and the project manager enter them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect

from config.forms import add_service_errors
from config.rendering import render_page
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
    if request.method == "POST" and form.is_valid():
        try:
            services.pharmacy_set_opening_hours(by=request.user, pharmacy=pharmacy, sessions=form.sessions)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"{pharmacy.name}'s opening hours are saved. The 72-hour stage 1 timer now counts them.",
            )
            return redirect("discharge:opening_hours", pharmacy.pk)
    return render_page(
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
    )
