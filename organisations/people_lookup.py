"""Choosing a person past a city's size: one look-up box and one JSON answer for every form that
picks a member of staff (a workstream's lead, an action's owner, a team's new member, who can help).

A form lists its people as an enhanced select while they are a city's size (STAFF_SELECT_LIMIT) and
past it swaps in a PersonLookupField over the same people; the form's look-up endpoint checks the
role and answers `person_lookup_answer` over the people that user may pick, so the box suggests
only whom the form would accept."""

from django.db.models import Q
from django.http import JsonResponse

from config.choices import more_than
from config.forms import LookupField, id_from_text

# Above this many people a select is unusable (and slow to render): ask for a GPhC number or name.
STAFF_SELECT_LIMIT = 400

# How a look-up suggestion names a row that has no national key (a person with no GPhC number, a
# home with no CQC location ID yet): its hub number.
HUB_KEY = "hub"

PERSON_LOOKUP_LIMIT = 20


def person_lookup_text(person):
    """How a person reads in a person look-up, ending with the key PersonLookupField reads back:
    "Ann Lee – Pharmacist, Leeds PCN (GPhC 2012345)", or "(hub 42)" for someone with no GPhC number
    (an organisation lead, a manager). `person.organisation` should be selected with it."""
    key = f"GPhC {person.gphc_number}" if person.gphc_number else f"{HUB_KEY} {person.pk}"
    return f"{person.name} – {person.get_role_display()}, {person.organisation.name} ({key})"


class PersonLookupField(LookupField):
    """One of `people` (a StaffMember queryset), by the key their chosen suggestion ends with, or
    (without script) their GPhC number or exact name; `lookup_url` answers the suggestions."""

    not_found = "No one you may choose here has the GPhC number or name “{text}”."
    ambiguous = "More than one person has that name: enter their GPhC number, or choose them from the list."

    def __init__(self, *, people, lookup_url, not_found=None, **kwargs):
        self.people = people
        if not_found:
            self.not_found = not_found
        kwargs.setdefault("max_length", 200)
        super().__init__(lookup_url=lookup_url, **kwargs)

    def rows(self):
        return self.people

    def by_key(self, key):
        if key.upper().startswith("GPHC "):
            return Q(gphc_number=key[5:].strip())
        if key.lower().startswith(HUB_KEY + " "):
            number = id_from_text(key[len(HUB_KEY) :])
            return Q(pk=number) if number else Q(pk__in=[])
        return Q(pk__in=[])

    def by_text(self, text):
        return Q(gphc_number=text) | Q(name__iexact=text)


def person_lookup_past_a_city(form, name, people, *, lookup_url, current=None, **field):
    """Past a city's size (more than STAFF_SELECT_LIMIT of `people`), the form's select `name`
    becomes a PersonLookupField over `people` answered by `lookup_url` (`field`: its label, help,
    messages). Editing, the box shows `current` (a person or an id) as its suggestion reads, or
    nothing when they are not among `people`. True when it swapped the select for the box."""
    if not more_than(people, STAFF_SELECT_LIMIT):
        return False
    form.fields[name] = PersonLookupField(people=people, lookup_url=lookup_url, **field)
    if current is not None and not isinstance(current, str) and not form.is_bound:
        found = people.filter(pk=getattr(current, "pk", current)).first()
        form.initial[name] = person_lookup_text(found) if found else ""
    return True


def people_lookup(people, *, search):
    """`people` whose name contains, or GPhC number starts with, `search` (two characters at least);
    at most PERSON_LOOKUP_LIMIT, by name, each with their organisation (one query)."""
    search = (search or "").strip()
    if len(search) < 2:
        return people.none()
    found = people.filter(Q(name__icontains=search) | Q(gphc_number__startswith=search))
    return found.select_related("organisation").order_by("name", "pk")[:PERSON_LOOKUP_LIMIT]


def person_lookup_answer(request, people):
    """The JSON a person look-up box reads: the `people` (already scoped to this user) matching ?q=."""
    search = request.GET.get("q") or ""
    found = people_lookup(people, search=search if len(search) <= 100 else "")  # as LookupForm
    return JsonResponse({"results": [{"id": p.pk, "text": person_lookup_text(p)} for p in found]})
