from django.apps import AppConfig
from django.db.models.signals import post_migrate


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations and staff"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.core import checks
        from django.db.models.signals import m2m_changed

        from organisations.ods_fetch import check_ods_reports
        from organisations.roles import grant_role_permissions
        from organisations.seats import on_groups_changed

        post_migrate.connect(grant_role_permissions, dispatch_uid="hub_grant_role_permissions")
        # Every way a login gains the SLT or project manager role tells the SLT (organisations/seats.py).
        m2m_changed.connect(
            on_groups_changed, sender=get_user_model().groups.through, dispatch_uid="hub_leadership_seats"
        )
        checks.register(check_ods_reports)
