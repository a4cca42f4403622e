"""The shared rate-limit counters: in the database by default, in Redis with KESU_CACHE_URL."""

import json
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from threading import Barrier, Thread

import pytest
from django.conf import settings
from django.db import connections
from django.utils import timezone

from kesu.core import counters
from kesu.core.models import RateCounter
from kesu.core.tests.processes import database_url

BASE_DIR = Path(settings.BASE_DIR)


@pytest.fixture(params=["database", "redis"])
def store(request, settings):
    """Each behaviour in both stores; Redis is the one on loopback, under a prefix of its own."""
    if request.param == "redis":
        settings.KESU_CACHE_URL = "redis://127.0.0.1:6379/1"
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": settings.KESU_CACHE_URL,
                "KEY_PREFIX": f"kesu-test-{uuid.uuid4().hex}",
            }
        }
    yield request.param
    if request.param == "redis":
        from django.core.cache import cache

        cache.clear()


@pytest.mark.django_db
def test_hits_count_up_within_the_window_then_start_again(store):
    now = timezone.now()
    first = counters.hit("k", 60, now=now)
    assert first.count == 1
    assert abs(first.seconds_left(now) - 60) < 1
    second = counters.hit("k", 60, now=now + timedelta(seconds=30))
    assert second.count == 2
    # The window is the first hit's: 30 seconds later, 30 seconds are left.
    assert abs(second.seconds_left(now + timedelta(seconds=30)) - 30) < 1
    assert counters.count("k") == 2
    assert counters.hit("other", 60, now=now).count == 1
    if store == "database":  # Redis ends the window by itself, on its own clock
        after = counters.hit("k", 60, now=now + timedelta(seconds=61))
        assert after.count == 1
        assert abs(after.seconds_left(now + timedelta(seconds=61)) - 60) < 1


@pytest.mark.django_db
def test_allow_refuses_the_hit_past_the_limit_and_give_back_undoes_one(store):
    answers = [counters.allow("k", 3, 60)[0] for _ in range(4)]
    assert answers == [True, True, True, False]
    counters.give_back("k")
    assert counters.count("k") == 3
    counters.give_back("nothing-here")  # no window: nothing to give back, no error
    assert counters.count("nothing-here") == 0


@pytest.mark.django_db
def test_a_window_of_no_length_never_counts(store):
    assert [counters.allow("k", 1, 0)[0] for _ in range(3)] == [True] * 3


@pytest.mark.django_db
def test_the_counts_are_rows_in_the_database_without_redis():
    counters.hit("k", 60)
    row = RateCounter.objects.get(key="k")
    assert row.count == 1 and row.expires_at > row.window_start
    counters.clear_all()
    assert not RateCounter.objects.exists()


@pytest.mark.django_db
def test_ended_windows_are_pruned():
    now = timezone.now()
    counters.hit("old", 60, now=now - timedelta(minutes=5))
    counters.hit("new", 60, now=now)
    assert counters.count("old", now=now) == 0
    assert counters.prune(now) == 1
    assert list(RateCounter.objects.values_list("key", flat=True)) == ["new"]


def test_an_unreachable_redis_is_reported_as_such(settings):
    settings.KESU_CACHE_URL = "redis://127.0.0.1:9/1"  # the discard port: nobody answers
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.KESU_CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with pytest.raises(counters.CounterUnavailable):
        counters.hit("k", 60)
    with pytest.raises(counters.CounterUnavailable):
        counters.count("k")


# ---- Races: many hits at once, from threads and from processes ----------------------------

LIMIT = 40


@pytest.mark.django_db(transaction=True)
def test_threads_hitting_at_once_are_allowed_the_limit_exactly():
    barrier = Barrier(4)
    allowed: list[int] = []

    def hammer():
        try:
            barrier.wait()
            allowed.append(sum(counters.allow("race", LIMIT, 60)[0] for _ in range(25)))
        finally:
            connections.close_all()

    threads = [Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(allowed) == 4
    assert sum(allowed) == LIMIT
    assert RateCounter.objects.get(key="race").count == 100


HAMMER = """
import json, sys, time
import django
django.setup()
from kesu.core import counters
start_at, hits, limit = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
time.sleep(max(0.0, start_at - time.time()))
print(json.dumps(sum(counters.allow("race", limit, 60)[0] for _ in range(hits))))
"""


@pytest.mark.django_db(transaction=True)
def test_processes_hitting_at_once_are_allowed_the_limit_exactly():
    env = {
        "DJANGO_SETTINGS_MODULE": "kesu.settings",
        "DATABASE_URL": database_url(),
        "PATH": "/usr/bin:/bin",
        "KESU_VAR_DIR": str(BASE_DIR / "var"),
    }
    start_at = str(time.time() + 6)  # all of them set up by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", HAMMER, start_at, "30", str(LIMIT)],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    allowed = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        allowed.append(json.loads(out))
    assert sum(allowed) == LIMIT, allowed
    assert RateCounter.objects.get(key="race").count == 90
