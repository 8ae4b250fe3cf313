"""Receivers: the deletions feed (post_delete of every row the API serves, and weekly reports
superseded by a new version) and leavers' tokens."""

from django.db.models.signals import post_delete, post_save
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


@receiver(post_save, sender="actionplan.GapReport", dispatch_uid="api_record_superseded_report")
def record_superseded_report(sender, instance, created, **kwargs):
    """A new version of a week's report replaces the current one (kept, no longer current): for the
    API the earlier version has left `gap-reports`, so the deletions feed lists it."""
    if not (created and instance.is_current and instance.version > 1):
        return
    from api.models import Deletion

    earlier = sender.objects.filter(week=instance.week, is_current=False).values_list("pk", flat=True)
    listed = Deletion.objects.filter(resource="gap-reports", object_id__in=earlier).values_list(
        "object_id", flat=True
    )
    Deletion.objects.bulk_create(
        Deletion(resource="gap-reports", object_id=pk) for pk in set(earlier) - set(listed)
    )


@receiver(staff_left, dispatch_uid="api_revoke_leaver_tokens")
def revoke_leaver_tokens(sender, staff, **kwargs):
    from api.services import api_tokens_revoke_for_leaver

    api_tokens_revoke_for_leaver(staff=staff)
