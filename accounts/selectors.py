"""Reads about sign-in: whether a password must change, whose login a staff member is."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.models import Identity, Invitation, PasswordChangeRequired
from organisations.models import Organisation, StaffMember


def password_change_required(*, user):
    return PasswordChangeRequired.objects.filter(user=user).exists()


def users_for_password_reset(*, email):
    """Active logins with a password whose own or staff e-mail address is `email` (leavers excluded)."""
    users = get_user_model().objects.filter(
        Q(email__iexact=email) | Q(staff_member__email__iexact=email), is_active=True
    )
    users = users.exclude(staff_member__is_active=False).distinct()
    return [user for user in users if user.has_usable_password()]


def staff_member_for_sign_in(*, pk):
    """A staff member with their login and organisations, for the sign-in page a PM manages."""
    return get_object_or_404(
        StaffMember.objects.select_related("user", "organisation", "second_organisation"), pk=pk
    )


def invitation_for_token(*, token):
    """The invitation a link names, or None."""
    return (
        Invitation.objects.select_related("staff")
        .filter(token_hash=Invitation.hash_token(token or ""))
        .first()
    )


def identities_of(*, user):
    return list(Identity.objects.filter(user=user)) if user is not None else []


def latest_invitation(*, staff):
    return Invitation.objects.filter(staff=staff).first()


def staff_sign_in_for_organisation(*, organisation):
    """An organisation's current staff with their login, NHS identities and latest invitation:
    three queries whatever the size."""
    staff = list(
        StaffMember.objects.filter(organisation=organisation, is_active=True)
        .select_related("user")
        .order_by("name")
    )
    user_ids = [m.user_id for m in staff if m.user_id]
    identities = {}
    for identity in Identity.objects.filter(user_id__in=user_ids):
        identities.setdefault(identity.user_id, []).append(identity)
    latest = {}
    for invitation in Invitation.objects.filter(staff__in=staff).order_by("staff_id", "-created_at"):
        latest.setdefault(invitation.staff_id, invitation)
    return [
        {"member": m, "identities": identities.get(m.user_id, []), "invitation": latest.get(m.pk)}
        for m in staff
    ]


def organisation_for_sign_in(*, pk):
    return get_object_or_404(Organisation, pk=pk)


def identities_with_organisation_mismatch():
    """Current staff whose NHS Care Identity organisations do not include their hub organisation."""
    return list(
        Identity.objects.filter(organisation_mismatch=True, user__staff_member__is_active=True)
        .select_related("user__staff_member__organisation")
        .order_by("user__staff_member__name", "provider")
    )
