"""Who may do what: the hub's roles and the one question every view and service asks.

    may(user, Permission.CHANGE_VISIT, visit) -> bool
    require(user, Permission.CHANGE_VISIT, visit)  # raises PermissionDenied

Roles are Django groups made by a data migration. Each app registers the rules for its own
objects in its `rules.py` (django-rules, auto-discovered), built from the predicates here, so
the arrows between apps stay one-way and every rule lives beside the model it guards.
"""

import contextlib
import contextvars
import logging

import rules
from django.core.exceptions import PermissionDenied

from organisations.permissions import Permission

# The roles' names are in organisations/role_groups.py (which the models read too); every rule and view
# finds them here as well.
from organisations.role_groups import (  # noqa: F401
    COMMUNITY_PHARMACY,
    NON_DEPLOYED_ROLES,
    ORGANISATION_LEAD,
    PHARMACY_PROFESSIONAL,
    PROJECT_MANAGER,
    ROLES,
    SLT,
    TRUST_DISCHARGE_TEAM,
)

security_log = logging.getLogger("hub.security")


# Model permissions each role's group carries (for Django's own checks and the admin's
# read-only views). Object-level rules in each app's rules.py decide the rest.
GROUP_PERMISSIONS = {
    SLT: [
        Permission.VIEW_ORGANISATION,
        Permission.VIEW_STAFFMEMBER,
        Permission.VIEW_TEAM,
        Permission.VIEW_MEMBERSHIP,
        Permission.VIEW_CAREHOME,
        Permission.VIEW_ASSIGNMENT,
        Permission.VIEW_VISIT,
        Permission.VIEW_WORKSTREAM,
        Permission.ADD_WORKSTREAM,
        Permission.CHANGE_WORKSTREAM,
        Permission.VIEW_SUPPORTREQUEST,
        Permission.VIEW_ACTION,
        Permission.ADD_ACTIONUPDATE,
        Permission.VIEW_GAPREPORT,
    ],
    PROJECT_MANAGER: [
        Permission.VIEW_ORGANISATION,
        Permission.CHANGE_ORGANISATION,
        Permission.ADD_ORGANISATION,
        Permission.VIEW_STAFFMEMBER,
        Permission.ADD_STAFFMEMBER,
        Permission.CHANGE_STAFFMEMBER,
        Permission.VIEW_TEAM,
        Permission.VIEW_MEMBERSHIP,
        Permission.ADD_MEMBERSHIP,
        Permission.CHANGE_MEMBERSHIP,
        Permission.VIEW_IMPORTRUN,
        Permission.VIEW_CAREHOME,
        Permission.ADD_CAREHOME,
        Permission.CHANGE_CAREHOME,
        Permission.VIEW_ASSIGNMENT,
        Permission.ADD_ASSIGNMENT,
        Permission.CHANGE_ASSIGNMENT,
        Permission.VIEW_VISIT,
        Permission.CHANGE_VISIT,
        Permission.VIEW_WORKSTREAM,
        Permission.ADD_WORKSTREAM,
        Permission.CHANGE_WORKSTREAM,
        Permission.VIEW_SUPPORTREQUEST,
        Permission.ADD_SUPPORTREQUEST,
        Permission.CHANGE_SUPPORTREQUEST,
        Permission.CHANGE_SUPPORTOFFER,
        Permission.VIEW_ACTION,
        Permission.ADD_ACTION,
        Permission.CHANGE_ACTION,
        Permission.ADD_ACTIONUPDATE,
        Permission.ADD_MEETING,
        Permission.VIEW_GAPREPORT,
        Permission.ADD_GAPREPORT,
    ],
    PHARMACY_PROFESSIONAL: [
        Permission.VIEW_ORGANISATION,
        Permission.VIEW_CAREHOME,
        Permission.VIEW_VISIT,
        Permission.ADD_VISIT,
        Permission.VIEW_WORKSTREAM,
        Permission.VIEW_SUPPORTREQUEST,
    ],
    ORGANISATION_LEAD: [
        Permission.VIEW_ORGANISATION,
        Permission.VIEW_WORKSTREAM,
        Permission.VIEW_SUPPORTREQUEST,
        Permission.ADD_SUPPORTREQUEST,
        Permission.ADD_SUPPORTOFFER,
    ],
    TRUST_DISCHARGE_TEAM: [
        Permission.VIEW_ORGANISATION,
        Permission.VIEW_DISCHARGEFOLLOWUP,
        Permission.ADD_DISCHARGEFOLLOWUP,
    ],
    COMMUNITY_PHARMACY: [
        Permission.VIEW_ORGANISATION,
        Permission.VIEW_DISCHARGEFOLLOWUP,
        Permission.CHANGE_DISCHARGEFOLLOWUP,
    ],
}


def role_names(user):
    """The user's role names, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_hub_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._hub_role_names = cached
    return cached


def has_role(user, *roles_wanted):
    return bool(role_names(user) & set(roles_wanted))


def staff_member_for(user):
    """The StaffMember a login belongs to, or None. Cached on the user object."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_hub_staff_member"):
        from organisations.models import StaffMember

        user._hub_staff_member = StaffMember.objects.select_related("organisation").filter(user=user).first()
    return user._hub_staff_member


def organisation_ids_for(user):
    """The organisations a user acts for: their employer and any second organisation."""
    member = staff_member_for(user)
    if member is None:
        return frozenset()
    return frozenset(i for i in (member.organisation_id, member.second_organisation_id) if i)


def home_page_for(user):
    """The URL name of the page a user lands on after signing in."""
    if user.is_superuser or has_role(user, SLT):
        return "dashboard:index"
    if has_role(user, PROJECT_MANAGER):
        return "dashboard:gaps"
    if has_role(user, PHARMACY_PROFESSIONAL):
        return "carehomes:mine"
    if has_role(user, ORGANISATION_LEAD):
        return "organisations:mine"
    if has_role(user, TRUST_DISCHARGE_TEAM, COMMUNITY_PHARMACY):
        return "discharge:mine"
    return "no_role"


@rules.predicate
def is_superuser(user):
    return bool(getattr(user, "is_superuser", False))


def _holds(role, name):
    """The rule "the user holds this role"."""
    return rules.Predicate(lambda user: has_role(user, role), name=name)


is_slt = _holds(SLT, "is_slt")
is_project_manager = _holds(PROJECT_MANAGER, "is_project_manager")
is_pharmacy_professional = _holds(PHARMACY_PROFESSIONAL, "is_pharmacy_professional")
is_organisation_lead = _holds(ORGANISATION_LEAD, "is_organisation_lead")
is_trust_discharge_team = _holds(TRUST_DISCHARGE_TEAM, "is_trust_discharge_team")
is_community_pharmacy = _holds(COMMUNITY_PHARMACY, "is_community_pharmacy")


@rules.predicate
def has_any_role(user):
    return bool(role_names(user))


def acts_for(field, name):
    """The rule "the object's `field` (an organisation's id), or the object itself when it is an
    organisation, is the user's own organisation" (their employer or second organisation)."""

    def check(user, obj):
        if obj is None:
            return False
        organisation_id = getattr(obj, field, None)
        if organisation_id is None and obj.__class__.__name__ == "Organisation":
            organisation_id = obj.pk
        return organisation_id in organisation_ids_for(user)

    return rules.Predicate(check, name=name)


acts_for_organisation = acts_for("organisation_id", "acts_for_organisation")


is_coordinator = is_superuser | is_project_manager
# An organisation lead acting for their own organisation (or something it owns).
leads_own_organisation = is_organisation_lead & acts_for_organisation
is_member_of_hub = is_superuser | has_any_role
is_leadership = is_superuser | is_slt | is_project_manager
is_signed_in = rules.is_authenticated


def may(user, permission, obj=None):
    """May this user do this (a permission name such as Permission.CHANGE_VISIT) to this object?"""
    return user.has_perm(permission, obj)


def require(user, permission, obj=None):
    """Raise PermissionDenied (403) unless `may` says yes, and log the refusal."""
    if not may(user, permission, obj):
        security_log.warning(
            "access refused: user=%s permission=%s object=%s:%s",
            getattr(user, "pk", None),
            permission,
            obj.__class__.__name__ if obj is not None else "-",
            getattr(obj, "pk", "-"),
        )
        raise PermissionDenied


def requires(permission):
    """View decorator: 403 unless the user may `permission` (with no particular object)."""
    from functools import wraps

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            require(request.user, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# Who is giving roles right now, and whether the SLT has already been told (organisations.seats).
_seating_actor = contextvars.ContextVar("seating_actor", default=None)
_seating_announced = contextvars.ContextVar("seating_announced", default=False)


@contextlib.contextmanager
def acting_as(user):
    """Name the person behind role changes made in this block (the admin's user pages)."""
    token = _seating_actor.set(user)
    try:
        yield
    finally:
        _seating_actor.reset(token)


@contextlib.contextmanager
def leadership_announced():
    """Role changes in this block are announced to the SLT by the service that makes them (or are
    data builders' work: the demo city, test data, where there is nobody to tell)."""
    token = _seating_announced.set(True)
    try:
        yield
    finally:
        _seating_announced.reset(token)


def seating_context():
    """(the acting user or None, whether the SLT has already been told)."""
    return _seating_actor.get(), _seating_announced.get()
