from django.apps import AppConfig


class NonprodConfig(AppConfig):
    name = "nonprod"
    verbose_name = "Demo and scale data (not for production)"
