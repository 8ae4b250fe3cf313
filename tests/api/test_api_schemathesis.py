"""Property-based: schemathesis generates requests for every endpoint of the served OpenAPI
document and sends them to a live server with a real token; no answer is a 500, and every
documented answer matches its schema."""

from collections import defaultdict

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from api.resources import RESOURCES
from api.services import api_token_create
from tests.factories import (
    ActionFactory,
    AssignmentFactory,
    CareHomeFactory,
    DischargeFollowUpFactory,
    GapReportFactory,
    VisitFactory,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

EXAMPLES = 12  # per endpoint: the whole run stays well under a minute


def test_no_endpoint_answers_500_or_breaks_its_schema(live_server, role_groups, pm_user, settings_override):
    for home in CareHomeFactory.create_batch(3):
        AssignmentFactory(care_home=home)
        VisitFactory(care_home=home)
        DischargeFollowUpFactory(care_home=home)
    ActionFactory()
    GapReportFactory(week="2026-W40")
    _, secret = api_token_create(by=pm_user, name="Schemathesis", lifetime_days=30)
    # The live server's first request imports every URL's views (seconds on a busy machine).
    document = httpx.get(f"{live_server.url}/api/v1/openapi.json", timeout=120).json()
    schema = schemathesis.openapi.from_dict(document)
    headers = {"Authorization": f"Bearer {secret}"}
    failures = []
    calls = defaultdict(list)  # operation -> the statuses of its answers
    operations = [result.ok() for result in schema.get_all_operations()]
    served = {f"/api/v1/{name}" for name in RESOURCES} | {f"/api/v1/{name}.csv" for name in RESOURCES}
    served |= {"/api/v1/", "/api/v1/deletions", "/api/v1/data-dictionary.csv"}
    labels = {f"GET {path}" for path in served}
    assert {operation.label for operation in operations} == labels

    for operation in operations:
        answers = calls[operation.label]

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call(base_url=live_server.url, headers=headers)
            answers.append(response.status_code)  # noqa: B023 - check() runs within this iteration
            case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

        try:
            check()
        except Exception as exc:  # noqa: BLE001 - collect every endpoint's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    # Every endpoint was really called, and answered rows at least once (not only refusals).
    unanswered = [label for label in sorted(labels) if 200 not in calls[label]]
    assert not unanswered, f"no 200 from {unanswered}: {dict(calls)}"
    assert sum(map(len, calls.values())) > 3 * len(operations)


@pytest.fixture
def settings_override(settings):
    settings.HUB = {**settings.HUB, "API_RATE_LIMIT_PER_MINUTE": 100_000}
