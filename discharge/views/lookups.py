"""The discharge form's care-home look-up, as JSON (discharge/care_home_lookup.py says what it may
answer and why)."""

from django import forms
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from discharge.care_home_lookup import care_home_lookup, care_home_lookup_text
from organisations.access import requires
from organisations.permissions import Permission


class LookupForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True)


@require_GET
@requires(Permission.UPLOAD_FOLLOWUPS)
def care_home_lookup_view(request):
    form = LookupForm(request.GET)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    homes = care_home_lookup(search=search)
    return JsonResponse({"results": [{"id": h.pk, "text": care_home_lookup_text(h)} for h in homes]})
