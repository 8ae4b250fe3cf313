from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_specialisms(sender=None, using="default", **kwargs):
    """The specialisms are reference data: made by a migration, restored after a test flush."""
    from carehomes.models import Specialism

    for code, name in Specialism.KNOWN.items():
        Specialism.objects.using(using).get_or_create(code=code, defaults={"name": name})


class CarehomesConfig(AppConfig):
    name = "carehomes"
    verbose_name = "Care homes, assignments and visits"

    def ready(self):
        post_migrate.connect(ensure_specialisms, sender=self, dispatch_uid="hub_ensure_specialisms")

        from carehomes import state

        state.connect()

        from carehomes import hours_state

        hours_state.connect()

        from carehomes.visits import totals

        totals.connect()

        from carehomes.alignment import care_homes_follow_practices
        from organisations.signals import practices_moved_pcn

        practices_moved_pcn.connect(
            care_homes_follow_practices, dispatch_uid="hub_care_homes_follow_practices"
        )
