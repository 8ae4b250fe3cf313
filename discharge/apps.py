from django.apps import AppConfig


class DischargeConfig(AppConfig):
    name = "discharge"
    verbose_name = "Discharge follow-ups"

    def ready(self):
        from discharge import gaps, receivers  # noqa: F401 - receivers connect to the carehomes visit hook

        gaps.register()

        from discharge import day_counts

        day_counts.connect()
