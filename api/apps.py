from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "Read API and API tokens"

    def ready(self):
        from api import receivers  # noqa: F401 - connects the deletion feed and the leaver receiver
