"""Every path that gives a login the SLT or project manager role tells the SLT.

The Teams page (`services.membership_create`) checks who may seat whom and announces the seat
itself. Any other way a login gains either role (the admin's user page, which only a superuser
can change; `group.user_set.add()` from a shell or a command; an API service account made by a
superuser) is caught here, from the groups table itself, and announced too, naming the acting
user where the admin names one (`access.acting_as`).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from organisations.access import PROJECT_MANAGER, SLT, seating_context

LEADERSHIP_ROLES = (SLT, PROJECT_MANAGER)


def on_groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """m2m_changed receiver for User.groups: announce each new SLT or project manager role."""
    if action != "post_add" or not pk_set:
        return
    by, announced = seating_context()
    if announced:
        return
    from organisations.services import leadership_change_announce

    if reverse:  # group.user_set.add(users)
        if instance.name not in LEADERSHIP_ROLES:
            return
        grants = [(user, instance.name) for user in get_user_model().objects.filter(pk__in=pk_set)]
    else:  # user.groups.add(groups)
        names = Group.objects.filter(pk__in=pk_set, name__in=LEADERSHIP_ROLES).values_list("name", flat=True)
        grants = [(instance, name) for name in names]
    for user, role in grants:
        who = user.get_full_name() or user.get_username()
        leadership_change_announce(
            what=f"{who} (login {user.get_username()}) was given the {role} role", by=by
        )
