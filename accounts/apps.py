from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Sign-in and accounts"

    def ready(self):
        # Receivers: session stamps at sign-in, and leavers' identities unbound.
        from accounts import receivers  # noqa: F401
