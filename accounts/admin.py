"""The admin's user pages: a password a superuser types for someone must be changed at their next sign-in."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError

from accounts import services
from accounts.models import PasswordChangeRequired
from organisations.access import acting_as

User = get_user_model()


class HubUserAdmin(UserAdmin):
    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            services.password_change_require(user=self.get_object(request, id), by=request.user)
        return response

    def save_related(self, request, form, formsets, change):
        """Groups are saved here: a new SLT or project manager role is announced as given by this user."""
        with acting_as(request.user):
            super().save_related(request, form, formsets, change)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password():
            services.password_change_require(user=obj, by=request.user)


admin.site.unregister(User)
admin.site.register(User, HubUserAdmin)


@admin.register(PasswordChangeRequired)
class PasswordChangeRequiredAdmin(admin.ModelAdmin):
    list_display = ("user", "required_by", "required_at")
    list_select_related = ("user", "required_by")
    raw_id_fields = ("user", "required_by")


class HubAdminAuthenticationForm(AdminAuthenticationForm):
    """With local passwords switched off, /admin/ is where a superuser signs in, and only a superuser."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not settings.LOCAL_PASSWORDS and not user.is_superuser:
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


admin.site.login_form = HubAdminAuthenticationForm
