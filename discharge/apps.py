from django.apps import AppConfig


class DischargeConfig(AppConfig):
    name = "discharge"
    verbose_name = "Discharge follow-ups"

    def ready(self):
        from discharge import receivers  # noqa: F401 - connects to the carehomes visit hook
