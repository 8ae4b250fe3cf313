"""Sign-in, sign-out, passwords, and the pages that show a person's sign-in to them and to the PM."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_GET, require_POST

from accounts import oidc, selectors, services
from accounts.forms import HubPasswordChangeForm, HubPasswordResetForm, HubSetPasswordForm, SignInForm
from accounts.middleware import MUST_CHANGE_PASSWORD
from organisations.access import may, require
from organisations.permissions import Permission

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class LocalPasswordsOnly:
    """Pages for local passwords: not there at all when LOCAL_PASSWORDS is off."""

    def dispatch(self, request, *args, **kwargs):
        if not settings.LOCAL_PASSWORDS:
            raise Http404("Local passwords are switched off")
        return super().dispatch(request, *args, **kwargs)


class SignInView(auth_views.LoginView):
    """Sign in: the NHS identity providers that are switched on, and (unless switched off) a password."""

    template_name = "accounts/sign_in.jinja"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if not settings.LOCAL_PASSWORDS:
            raise PermissionDenied("Local passwords are switched off")
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(providers=oidc.enabled_providers(), **kwargs)


class PasswordChangeView(LocalPasswordsOnly, auth_views.PasswordChangeView):
    template_name = "accounts/password_change.jinja"
    form_class = HubPasswordChangeForm
    success_url = reverse_lazy("home")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            must_change=self.request.session.get(MUST_CHANGE_PASSWORD, False),
            has_password=self.request.user.has_usable_password(),
            **kwargs,
        )

    def form_valid(self, form):
        response = super().form_valid(form)
        self.request.session.pop(MUST_CHANGE_PASSWORD, None)
        messages.success(self.request, "Your password has been changed.")
        return response


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(LocalPasswordsOnly, auth_views.PasswordResetView):
    template_name = "accounts/password_reset.jinja"
    form_class = HubPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")

    def get_context_data(self, **kwargs):
        return super().get_context_data(timeout_hours=settings.PASSWORD_RESET_TIMEOUT // 3600, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(LocalPasswordsOnly, auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.jinja"

    def get_context_data(self, **kwargs):
        return super().get_context_data(timeout_hours=settings.PASSWORD_RESET_TIMEOUT // 3600, **kwargs)


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(LocalPasswordsOnly, auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.jinja"
    form_class = HubSetPasswordForm
    post_reset_login = True
    post_reset_login_backend = MODEL_BACKEND
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, "Your new password is set, and you are signed in.")
        return response


@require_GET
def account(request):
    """Your own sign-in: how you sign in, and a way to change your password."""
    return render(
        request,
        "accounts/account.jinja",
        {
            "page_title": "Your account",
            "has_password": request.user.has_usable_password(),
            "identities": selectors.identities_of(user=request.user),
        },
    )


@require_GET
def staff_sign_in(request, pk):
    """The PM's view of one staff member's sign-in: their login, and a password reset."""
    member = selectors.staff_member_for_sign_in(pk=pk)
    require(request.user, Permission.VIEW_SIGN_IN, member)
    return _sign_in_page(request, member)


@require_POST
def staff_invite(request, pk):
    """Invite a staff member by e-mail to sign in with an NHS identity."""
    member = selectors.staff_member_for_sign_in(pk=pk)
    try:
        invitation = services.invitation_create(staff=member, by=request.user, site_url=_site_url(request))
    except ValidationError as error:
        return _sign_in_page(request, member, status=400, invite_error=" ".join(error.messages))
    messages.success(
        request,
        f"Invitation sent to {invitation.email}. The link works once, within {settings.INVITATION_DAYS} days.",
    )
    return redirect(
        request.POST.get("back") == "organisation"
        and reverse("accounts:organisation_sign_in", args=[member.organisation_id])
        or reverse("accounts:staff_sign_in", args=[member.pk])
    )


@require_GET
def identity_mismatches(request):
    """For the PM and SLT: people whose CIS2 organisations do not include their hub organisation."""
    require(request.user, Permission.VIEW_SIGN_IN)
    return render(
        request,
        "accounts/identity_mismatches.jinja",
        {
            "page_title": "Organisation differs from NHS Care Identity",
            "identities": selectors.identities_with_organisation_mismatch(),
        },
    )


@require_GET
def organisation_sign_in(request, pk):
    """An organisation's staff and how each signs in: the PM or that organisation's lead invites them."""
    organisation = selectors.organisation_for_sign_in(pk=pk)
    require(request.user, Permission.INVITE, _OrganisationStaff(organisation))
    return render(
        request,
        "accounts/organisation_sign_in.jinja",
        {
            "page_title": f"Sign-in for {organisation.name} staff",
            "organisation": organisation,
            "rows": selectors.staff_sign_in_for_organisation(organisation=organisation),
            "providers": oidc.enabled_providers(),
        },
    )


class _OrganisationStaff:
    """Stands for "a staff member of this organisation" when a rule asks about the whole list."""

    def __init__(self, organisation):
        self.organisation_id = organisation.pk
        self.pk = None


def _site_url(request):
    return getattr(settings, "SITE_URL", "") or request.build_absolute_uri("/")


@require_POST
def staff_password_reset(request, pk):
    member = selectors.staff_member_for_sign_in(pk=pk)
    try:
        link = services.password_reset_link_create(staff=member, by=request.user)
    except ValidationError as error:
        return _sign_in_page(request, member, status=400, error=" ".join(error.messages))
    reset_url = request.build_absolute_uri(
        reverse("password_reset_confirm", kwargs={"uidb64": link.uidb64, "token": link.token})
    )
    return _sign_in_page(request, selectors.staff_member_for_sign_in(pk=pk), reset_url=reset_url)


def _sign_in_page(request, member, *, status=200, **extra):
    """A staff member's sign-in page, with what the last action left to say (`extra`)."""
    return render(
        request,
        "accounts/staff_sign_in.jinja",
        _staff_sign_in_context(member, request.user, **extra),
        status=status,
    )


def _staff_sign_in_context(member, viewer, **extra):
    user = member.user
    return {
        "page_title": f"Sign-in for {member.name}",
        "member": member,
        "has_password": bool(user and user.has_usable_password()),
        "must_change": bool(user and selectors.password_change_required(user=user)),
        "timeout_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        "can_reset": may(viewer, Permission.RESET_PASSWORD, member),
        "can_invite": may(viewer, Permission.INVITE, member),
        "identities": selectors.identities_of(user=user),
        "invitation": selectors.latest_invitation(staff=member),
        "providers": oidc.enabled_providers(),
        "now": timezone.now(),
        **extra,
    }
