"""The rate count is exact when many requests arrive at once: every process sees one counter.

Without Redis the counter is one database row (an atomic upsert); with REDIS_URL it is a Redis
INCR on the shared cache; each is tested (CI has both). Eight threads, each with its own database connection, count 25 times
each: the counts handed out are exactly 1..200, with none lost and none repeated.
"""

import threading

import pytest
from django.db import connections

from api.throttling import RateLimited, rate_limit_check

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS, EACH = 8, 25


@pytest.mark.parametrize("counter", ["database", pytest.param("redis", marks=pytest.mark.redis)])
def test_concurrent_requests_are_each_counted_once(settings_limit, counter):
    # Where REDIS_URL is set (CI) the embedded default's database counter would otherwise go untested.
    settings_limit.REDIS_URL = settings_limit.REDIS_URL if counter == "redis" else ""
    barrier = threading.Barrier(THREADS)
    counts, refused = [], []
    now = 1_800_000_000.0  # one fixed window for every thread

    def hit():
        try:
            barrier.wait()
            for _ in range(EACH):
                try:
                    counts.append(rate_limit_check(4242, now=now))
                except RateLimited as exc:
                    refused.append(exc.retry_after)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(counts) == list(range(1, 151))  # the limit: 150 a minute
    assert len(refused) == THREADS * EACH - 150


@pytest.fixture
def settings_limit(settings):
    settings.HUB = {**settings.HUB, "API_RATE_LIMIT_PER_MINUTE": 150}
    return settings
