"""The API serves figures, codes and names, never what people wrote: no visit's notes or escalation
summary, no action's description or updates, in any resource, as JSON or CSV."""

import pytest
from django.test import Client

from api.resources import RESOURCES
from api.services import api_token_create
from tests.factories import ActionFactory, ActionUpdateFactory, GapReportFactory, VisitFactory

pytestmark = pytest.mark.django_db

WRITTEN = {
    "visit notes": "Zebra-notes-7741",
    "escalation summary": "Quokka-escalated-3391",
    "action description": "Narwhal-description-5512",
    "action update": "Axolotl-update-8823",
}


def test_no_resource_serves_what_people_wrote(pm_user):
    VisitFactory(
        notes=WRITTEN["visit notes"],
        issues_escalated=1,
        escalation_summary=WRITTEN["escalation summary"],
    )
    action = ActionFactory(description=WRITTEN["action description"])
    ActionUpdateFactory(action=action, text=WRITTEN["action update"])
    GapReportFactory(week="2026-W47")
    _, secret = api_token_create(by=pm_user, name="Free text", lifetime_days=30)
    headers = {"Authorization": f"Bearer {secret}"}

    for name in RESOURCES:
        json_body = Client().get(f"/api/v1/{name}?limit=1000", headers=headers)
        csv_body = Client().get(f"/api/v1/{name}.csv", headers=headers)
        assert json_body.status_code == csv_body.status_code == 200
        served = json_body.content + b"".join(csv_body.streaming_content)
        if name in ("visits", "actions"):
            assert b'"id"' in json_body.content  # the rows are there
        for what, text in WRITTEN.items():
            assert text.encode() not in served, f"{name} serves the {what}"
