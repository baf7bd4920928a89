"""The Redis cache's clear() leaves every other key of the database alone."""

import os
import uuid

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from mentorship.cache import PrefixScopedRedisCache

pytestmark = pytest.mark.redis


def _cache(prefix: str) -> PrefixScopedRedisCache:
    return PrefixScopedRedisCache(os.environ["REDIS_URL"], {"KEY_PREFIX": prefix})


def test_clear_removes_only_its_own_keys():
    mine, theirs = _cache(f"t-{uuid.uuid4().hex}"), _cache(f"t-{uuid.uuid4().hex}")
    raw = mine._cache.get_client(None, write=True)
    broker_key = f"celery-like-{uuid.uuid4().hex}"
    raw.set(broker_key, "a queued task")
    for i in range(1500):  # more than one delete batch
        mine.set(f"k{i}", i)
    mine.set("versioned", 1, version=3)
    theirs.set("k1", "theirs")
    try:
        assert mine.clear() is True
        assert mine.get("k1") is None and mine.get("k1499") is None
        assert mine.get("versioned", version=3) is None
        assert theirs.get("k1") == "theirs"
        assert raw.get(broker_key) == b"a queued task"
    finally:
        raw.delete(broker_key)
        theirs.clear()


def test_clear_without_a_prefix_is_refused():
    with pytest.raises(RuntimeError, match="KEY_PREFIX"):
        _cache("").clear()


def test_the_configured_cache_is_the_scoped_one():
    cache = caches["default"]
    assert isinstance(cache, PrefixScopedRedisCache) and isinstance(cache, RedisCache)
