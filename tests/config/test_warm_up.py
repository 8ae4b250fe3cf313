"""A web process warms up before its first request (config/wsgi.py, run once in gunicorn's master):
every template compiled, so no person's request pays for compiling one."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines

from config.jinja2 import compile_every_template


@pytest.mark.django_db
def test_after_warm_up_a_page_compiles_no_template(client):
    env = engines["jinja2"].env
    env.cache.clear()

    compiled = compile_every_template()
    cached = len(env.cache)
    response = client.get("/accounts/login/")

    hub_templates = list(Path(settings.BASE_DIR, "templates").rglob("*.jinja"))
    assert compiled > len(hub_templates)  # the hub's and nhsuk-frontend-jinja's
    assert compiled <= env.cache.capacity  # none pushed out of the cache again
    assert response.status_code == 200
    assert len(env.cache) == cached
