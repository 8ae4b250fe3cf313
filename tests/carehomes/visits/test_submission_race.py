"""One visit form sent twice at the same moment (a double tap on a slow phone) makes one visit.

Two real requests, each on its own connection, with their overlap forced: both have looked for
the form's submission token (and found nothing) before either saves. PostgreSQL only: SQLite
serialises writing transactions, so the two requests could never overlap there.
"""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from carehomes.models import Visit
from carehomes.visits import services

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def post_together(user, path, data):
    """POST `data` to `path` from two clients at once; return both responses."""
    responses, errors = [None, None], []
    start = threading.Barrier(2)

    def send(index):
        try:
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            start.wait(timeout=10)
            responses[index] = client.post(path, data)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return responses


def test_one_form_sent_twice_at_once_makes_one_visit(pharmacist, home, monkeypatch):
    looked_for_token = threading.Barrier(2)
    waited = threading.local()
    resubmitted = services._resubmitted

    def look_then_wait(by, token):
        found = resubmitted(by, token)
        if not getattr(waited, "once", False):
            waited.once = True
            looked_for_token.wait(timeout=10)  # both requests are past the check; neither has saved
        return found

    monkeypatch.setattr(services, "_resubmitted", look_then_wait)
    data = {
        "submission_token": str(uuid.uuid4()),
        "care_home": str(home.pk),
        "visited_on": timezone.localdate().isoformat(),
        "mode": "on_site",
        "activities": ["smr"],
        "residents_reviewed": "6",
        "minutes_spent": "75",
        "issues_escalated": "0",
        "notes": "Reviewed six residents.",
    }

    first, second = post_together(pharmacist, "/visits/new/", data)

    assert (first.status_code, second.status_code) == (302, 302)
    visit = Visit.objects.get()
    assert first["Location"] == second["Location"] == f"/visits/{visit.pk}/"
