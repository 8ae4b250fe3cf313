"""/health/: database, cache and broker, as JSON, for a load balancer and docker-compose."""

import pytest
from django.conf import settings

from config import views
from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_health_answers_anonymous_callers_with_json(client):
    response = client.get("/health/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    assert body["checks"]["broker"] == ("ok" if settings.CELERY_BROKER_URL else "in-process")
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.redis
def test_health_checks_the_real_broker_and_cache_when_redis_is_configured(client):
    assert settings.CELERY_BROKER_URL

    body = client.get("/health/").json()

    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_health_is_503_when_the_database_is_down(client, monkeypatch):
    def database_down():
        raise ConnectionError("could not connect to server")

    monkeypatch.setattr(views, "_check_database", database_down)

    response = client.get("/health/")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "unavailable"
    assert body["checks"]["cache"] == "ok"
    # The caller learns which part is down, never why (no error text, hosts or credentials).
    assert "could not connect" not in response.content.decode()


def test_health_is_503_when_the_broker_does_not_answer(client, settings, monkeypatch):
    unreachable = "redis://127.0.0.1:1/0"
    celery_app.conf.broker_url  # noqa: B018 - load Celery's configuration from the real settings first
    settings.CELERY_BROKER_URL = settings.CELERY_BROKER_URL or unreachable
    connect = celery_app.connection_for_write
    monkeypatch.setattr(
        celery_app, "connection_for_write", lambda **kwargs: connect(url=unreachable, **kwargs)
    )

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "unavailable"


def test_health_is_503_when_the_cache_loses_what_it_stores(client, monkeypatch):
    monkeypatch.setattr(views.cache, "get", lambda *args, **kwargs: None)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "unavailable"


def test_health_only_answers_get(client):
    assert client.post("/health/").status_code == 405


def test_health_answers_plain_http_when_https_redirect_is_on(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert client.get("/health/").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_docker_compose_web_health_check_uses_health():
    compose = (settings.BASE_DIR / "docker-compose.yml").read_text()
    web = compose.split("\n  web:\n", 1)[1].split("\n  worker:\n", 1)[0]

    assert "healthcheck:" in web
    assert "/health/" in web
