"""Reads about sign-in: whether a password must change, whose login a staff member is."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.shortcuts import get_object_or_404

from accounts.models import PasswordChangeRequired
from organisations.models import StaffMember


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
