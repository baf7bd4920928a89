"""The Redis cache, whose ``clear()`` removes only its own keys.

Django's ``RedisCache.clear()`` runs ``FLUSHDB``: it empties the whole Redis
database, and with it the Celery broker's queues and results and any other
process's cache (tests in parallel each use their own key prefix in one
database). This backend deletes the keys under its ``KEY_PREFIX`` instead and
refuses to clear at all without a prefix, where it could not tell its keys
from anyone else's.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache


class PrefixScopedRedisCache(RedisCache):
    def clear(self) -> bool:
        if not self.key_prefix:
            raise RuntimeError("a Redis cache without KEY_PREFIX cannot tell its own keys apart")
        client = self._cache.get_client(None, write=True)
        pattern = self.key_func("*", self.key_prefix, "*")
        batch: list[bytes] = []
        for key in client.scan_iter(match=pattern, count=1000):
            batch.append(key)
            if len(batch) == 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
        return True
