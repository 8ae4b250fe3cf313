"""Receivers: the deletions feed (post_delete of every row the API serves) and leavers' tokens."""

from django.db.models.signals import post_delete
from django.dispatch import receiver

from organisations.signals import staff_left

# Resource name in the API -> "app_label.ModelName" whose deletions it reports.
DELETION_TRACKED = {
    "organisations": "organisations.Organisation",
    "care-homes": "carehomes.CareHome",
    "assignments": "carehomes.Assignment",
    "visits": "carehomes.Visit",
    "actions": "actionplan.Action",
    "gap-reports": "actionplan.GapReport",
}
_RESOURCE_OF = {label: resource for resource, label in DELETION_TRACKED.items()}


@receiver(post_delete, dispatch_uid="api_record_deletion")
def record_deletion(sender, instance, **kwargs):
    resource = _RESOURCE_OF.get(f"{sender._meta.app_label}.{sender.__name__}")
    if resource is None or instance.pk is None:
        return
    from api.models import Deletion

    Deletion.objects.create(resource=resource, object_id=instance.pk)


@receiver(staff_left, dispatch_uid="api_revoke_leaver_tokens")
def revoke_leaver_tokens(sender, staff, **kwargs):
    from api.services import api_tokens_revoke_for_leaver

    api_tokens_revoke_for_leaver(staff=staff)
