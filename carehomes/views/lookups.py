"""The look-ups behind the autocomplete boxes: care homes and people, as JSON, scoped like the pages.

A country's homes or staff cannot be a select; the box asks these as the user types. Each answers
only what the user may see on the matching page: homes as the care-home pages (leadership all,
a pharmacist their own and recent cover), people as the staff pages (leadership only).
"""

from django import forms
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from carehomes import selectors
from carehomes.forms import home_lookup_text, staff_lookup_text
from organisations.access import requires
from organisations.permissions import Permission


class LookupForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True)


def _search(request):
    form = LookupForm(request.GET)
    return form.cleaned_data["q"] if form.is_valid() else ""


@require_GET
@requires(Permission.VIEW_CAREHOME)
def home_lookup(request):
    homes = selectors.home_lookup(user=request.user, search=_search(request))
    return JsonResponse({"results": [{"id": h.pk, "text": home_lookup_text(h)} for h in homes]})


@require_GET
@requires(Permission.VIEW_STAFF)
def staff_lookup(request):
    people = selectors.staff_lookup(search=_search(request))
    return JsonResponse({"results": [{"id": p.pk, "text": staff_lookup_text(p)} for p in people]})
