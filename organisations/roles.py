"""Keeping each role's group in step with the permissions `access.GROUP_PERMISSIONS` names.

The groups themselves are made by a data migration; permissions only exist after every app
has migrated, so they are granted after migrate (idempotently, every time it runs).
"""

from organisations.access import GROUP_PERMISSIONS


def grant_role_permissions(sender=None, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    for group_name, wanted in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        pairs = [name.split(".", 1) for name in wanted]
        permissions = [
            p
            for p in Permission.objects.using(using).select_related("content_type")
            if [p.content_type.app_label, p.codename] in pairs
        ]
        group.permissions.set(permissions)
