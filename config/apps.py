from django.apps import AppConfig


class HubConfig(AppConfig):
    """The project's own wiring: connects the security event receivers."""

    name = "config"
    verbose_name = "Care Home Pharmacy Hub"

    def ready(self):
        from config import security  # noqa: F401 - connects the signal receivers
