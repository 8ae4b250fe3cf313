from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations and staff"

    def ready(self):
        from organisations.roles import grant_role_permissions

        post_migrate.connect(grant_role_permissions, dispatch_uid="hub_grant_role_permissions")
