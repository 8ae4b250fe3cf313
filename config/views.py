"""Site-wide views: the role's home page, health, and error pages."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts import session_renewal
from config.security import log_access_refused
from organisations.access import home_page_for

log = logging.getLogger(__name__)


def home(request):
    """Send each person to the home page of their role."""
    return redirect(home_page_for(request.user))


def no_role(request):
    return render(request, "no_role.html", {}, status=403)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache():
    cache.set("hub:health", "ok", 10)
    if cache.get("hub:health") != "ok":
        raise RuntimeError("cache did not return what was stored")


def _check_broker():
    if not settings.CELERY_BROKER_URL:
        return "in-process"
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


@never_cache
@require_GET
@login_not_required
def health(request):
    """Database, cache and broker health for a load balancer: 200 when all answer, else 503."""
    checks = {}
    healthy = True
    for name, check in (("database", _check_database), ("cache", _check_cache), ("broker", _check_broker)):
        try:
            checks[name] = check() or "ok"
        except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
            log.warning("health check %s failed: %s", name, exc.__class__.__name__)
            checks[name] = "unavailable"
            healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


def permission_denied(request, exception=None):
    log_access_refused(request, exception)
    return render(request, "errors/403.html", {}, status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "errors/404.html", {}, status=404)


@login_not_required
def server_error(request):
    return render(request, "errors/500.html", {}, status=500)


@never_cache
@require_GET
def keep_alive(request):
    """ "Stay signed in": renews the idle session now (a page load renews it at most once a minute:
    accounts.session_renewal); the answer's Hub-Session-Seconds-Left header says for how long."""
    session_renewal.renew(request)
    return HttpResponse(status=204)


@require_GET
@login_not_required
def privacy_notice(request):
    """What the hub keeps about people, why, who sees it, for how long, and who to ask (docs/privacy.md)."""
    return render(
        request,
        "privacy.jinja",
        {
            "page_title": "Privacy",
            "retention_years": settings.HUB["LEAVER_RETENTION_YEARS"],
            "privacy_contact": settings.HUB["PRIVACY_CONTACT"],
            "cover_days": settings.HUB["COVER_ACCESS_DAYS"],
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        },
    )


@require_GET
@login_not_required
def accessibility_statement(request):
    return render(
        request,
        "accessibility.jinja",
        {"page_title": "Accessibility statement", "idle_minutes": settings.SESSION_COOKIE_AGE // 60},
    )
