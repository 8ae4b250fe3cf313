"""Requests per token per minute, counted atomically where every web process sees the count.

With Redis (REDIS_URL) the count is a Redis INCR on the shared cache. On the embedded default the
cache is per process, so the count is an upsert on one database row instead (SQLite and
PostgreSQL both run `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` as one atomic statement).
"""

import datetime
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

WINDOW_SECONDS = 60


class RateLimited(Exception):
    def __init__(self, retry_after):
        super().__init__(f"Too many requests: try again in {retry_after} seconds")
        self.retry_after = retry_after


def rate_limit():
    return settings.HUB["API_RATE_LIMIT_PER_MINUTE"]


def _count_in_cache(key):
    cache.add(key, 0, WINDOW_SECONDS + 5)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS + 5)
        return 1


def _count_in_database(key, window_ends):
    from api.models import RateCounter

    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with connection.cursor() as cursor:
        # Table name from the model, never from input; values are parameters.
        cursor.execute(
            f"INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s) "  # noqa: S608
            "ON CONFLICT (key) DO UPDATE SET count = " + table + ".count + 1 RETURNING count",
            [key, window_ends],
        )
        count = cursor.fetchone()[0]
    if count == 1:  # first request of a window: sweep the counters of windows gone by
        RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return count


def rate_limit_check(token_id, *, now=None):
    """Count one request by the token; raise RateLimited (with seconds to wait) past the limit."""
    now = now or time.time()
    window = int(now // WINDOW_SECONDS)
    key = f"hub:api-rate:{token_id}:{window}"
    if settings.REDIS_URL:
        count = _count_in_cache(key)
    else:
        window_ends = datetime.datetime.fromtimestamp((window + 1) * WINDOW_SECONDS, tz=datetime.UTC)
        count = _count_in_database(key, window_ends)
    if count > rate_limit():
        raise RateLimited(retry_after=max(1, int((window + 1) * WINDOW_SECONDS - now) + 1))
    return count
