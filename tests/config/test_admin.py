"""A superuser manages every model in the Django admin, with search and filters."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import (
    ActionFactory,
    ActionUpdateFactory,
    AssignmentFactory,
    EngagementNoteFactory,
    GapReportFactory,
    MeetingFactory,
    MembershipFactory,
    ProgressNoteFactory,
    SupportOfferFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db

DOMAIN_APPS = {"organisations", "carehomes", "workstreams", "actionplan"}


def test_every_domain_model_is_registered_in_the_admin():
    from django.apps import apps

    for app_label in DOMAIN_APPS:
        for model in apps.get_app_config(app_label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            assert model in admin.site._registry, f"{model.__name__} is not in the admin"


def test_superuser_opens_every_changelist_search_and_change_page(client, superuser):
    AssignmentFactory()
    VisitFactory()
    MembershipFactory()
    EngagementNoteFactory()
    ProgressNoteFactory()
    SupportOfferFactory()
    ActionUpdateFactory(action=ActionFactory())
    MeetingFactory()
    GapReportFactory()
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in DOMAIN_APPS:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        assert client.get(changelist).status_code == 200, changelist
        if model_admin.search_fields:
            assert client.get(changelist, {"q": "a"}).status_code == 200, changelist
        obj = model.objects.first()
        if obj is not None:
            change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
            assert client.get(change).status_code == 200, change
        # Records (import runs) refuse adding by hand; every other model has an add page.
        adds = type(model_admin).has_add_permission is admin.ModelAdmin.has_add_permission
        assert client.get(reverse("admin:{}_{}_add".format(*info))).status_code == (200 if adds else 403)


def test_people_without_superuser_cannot_open_the_admin(client, pm_user):
    client.force_login(pm_user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
