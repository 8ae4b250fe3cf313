from django.apps import AppConfig


class CarehomesConfig(AppConfig):
    name = "carehomes"
    verbose_name = "Care homes, assignments and visits"
