"""Rate limits and login lockouts: one store, one helper.

The counters live in a table of their own (``ThrottleCounter``), reached through a small Django
cache backend (``ThrottleStore``, the cache alias ``throttle``) so that django-axes can use it too.
Unlike Django's database cache it

- keeps a counter's expiry when it is incremented (the database cache resets it to the default
  timeout, so an hourly limit lasted five minutes),
- never evicts a counter before it expires (the database cache culls a third of its table when it
  passes MAX_ENTRIES, so a burst of anonymous traffic wiped the login lockouts),
- increments atomically in one SQL statement (two requests at the same instant both count).

It is the database every process already shares, on SQLite as on PostgreSQL, so the limits hold
across web workers and app servers without another service. Expired rows are deleted by the
daily job. Only keyed hashes of client addresses are stored, never an address.
"""

import dataclasses
import datetime
import hashlib
import hmac
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import connection, transaction
from django.utils import timezone

from .http import client_address

FOREVER = 10 * 365 * 24 * 3600


class ThrottleStore(BaseCache):
    """A cache backend for integer counters with real expiry. Values must be integers."""

    def __init__(self, location, params):
        super().__init__(params)

    # --- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _table():
        from .models import ThrottleCounter

        return connection.ops.quote_name(ThrottleCounter._meta.db_table)

    def _expiry(self, timeout):
        if timeout == DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        if timeout is None:
            timeout = FOREVER
        return timezone.now() + datetime.timedelta(seconds=max(0, int(timeout)))

    @staticmethod
    def _when(moment):
        # Raw SQL gets the value in the form the ORM stores and compares (on SQLite a naive UTC string).
        return connection.ops.adapt_datetimefield_value(moment)

    def _key(self, key, version):
        return self.make_and_validate_key(key, version=version)

    @staticmethod
    def _value(value) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("the throttle store holds integers only")
        return value

    def _execute(self, sql, params):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()

    # --- the cache API ---------------------------------------------------------------------------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Store only when the key is absent or expired; True when stored. Atomic."""
        table, now = self._table(), self._when(timezone.now())
        row = self._execute(
            f'INSERT INTO {table} ("key", "value", "expires_at") VALUES (%s, %s, %s) '
            f'ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", "expires_at" = excluded."expires_at" '
            f'WHERE {table}."expires_at" <= %s RETURNING "value"',
            [self._key(key, version), self._value(value), self._when(self._expiry(timeout)), now],
        )
        return row is not None

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        table = self._table()
        self._execute(
            f'INSERT INTO {table} ("key", "value", "expires_at") VALUES (%s, %s, %s) '
            f'ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value", "expires_at" = excluded."expires_at" '
            f'RETURNING "value"',
            [self._key(key, version), self._value(value), self._when(self._expiry(timeout))],
        )

    def get(self, key, default=None, version=None):
        from .models import ThrottleCounter

        value = (
            ThrottleCounter.objects.filter(
                key=self._key(key, version), expires_at__gt=timezone.now()
            )
            .values_list("value", flat=True)
            .first()
        )
        return default if value is None else value

    def incr(self, key, delta=1, version=None):
        """Add `delta`, keeping the expiry. ValueError when the key is absent or expired."""
        table = self._table()
        row = self._execute(
            f'UPDATE {table} SET "value" = "value" + %s WHERE "key" = %s AND "expires_at" > %s RETURNING "value"',
            [self._value(delta), self._key(key, version), self._when(timezone.now())],
        )
        if row is None:
            raise ValueError(f"Key '{key}' not found")
        return row[0]

    def add_or_incr(self, key, delta=1, timeout=DEFAULT_TIMEOUT, version=None) -> int:
        """Add `delta` to the counter, creating it (with this timeout) when absent or expired; the
        new value. One atomic statement."""
        table, now = self._table(), self._when(timezone.now())
        row = self._execute(
            f'INSERT INTO {table} ("key", "value", "expires_at") VALUES (%s, %s, %s) '
            f'ON CONFLICT ("key") DO UPDATE SET '
            f'"value" = CASE WHEN {table}."expires_at" <= %s THEN excluded."value" ELSE {table}."value" + excluded."value" END, '
            f'"expires_at" = CASE WHEN {table}."expires_at" <= %s THEN excluded."expires_at" ELSE {table}."expires_at" END '
            f'RETURNING "value"',
            [
                self._key(key, version),
                self._value(delta),
                self._when(self._expiry(timeout)),
                now,
                now,
            ],
        )
        return row[0]

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        from .models import ThrottleCounter

        return bool(
            ThrottleCounter.objects.filter(
                key=self._key(key, version), expires_at__gt=timezone.now()
            ).update(expires_at=self._expiry(timeout))
        )

    def delete(self, key, version=None):
        from .models import ThrottleCounter

        return bool(ThrottleCounter.objects.filter(key=self._key(key, version)).delete()[0])

    def has_key(self, key, version=None):
        return self.get(key, version=version) is not None

    def clear(self):
        from .models import ThrottleCounter

        ThrottleCounter.objects.all().delete()


def store() -> ThrottleStore:
    return caches["throttle"]


def purge_expired(now=None) -> int:
    from .models import ThrottleCounter

    return ThrottleCounter.objects.filter(expires_at__lte=now or timezone.now()).delete()[0]


# --- who is asking -------------------------------------------------------------------------------


def client_id(request, purpose: str) -> str:
    """A keyed hash of the client address under a secret that changes every day: usable for a
    limit, not an address (the store keeps it at most two windows). The meldpunt derives it before
    the address is removed from the request (reports.middleware) and keeps it on the request."""
    derived = getattr(request, "throttle_client_ids", None)
    if derived is not None and purpose in derived:
        return derived[purpose]
    day = int(time.time() // 86400)
    secret = hmac.new(
        settings.SECRET_KEY.encode(), f"throttle:{day}".encode(), hashlib.sha256
    ).digest()
    return hmac.new(
        secret, f"{purpose}:{client_address(request)}".encode(), hashlib.sha256
    ).hexdigest()[:32]


# --- limits --------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Limit:
    """At most `limit` units in any `window` seconds, counted under `name` (`limit` may name a
    setting, read at each use).

    A sliding window, estimated from two fixed windows as in Cloudflare's rate limiter: the count
    of the current window plus the previous window's count weighted by how much of it still lies
    within the last `window` seconds. A plain fixed window would let a script send twice the limit
    around the turn of the hour; this estimate keeps it near the limit at any moment."""

    name: str
    limit: int | str
    window: int = 3600

    @property
    def maximum(self) -> int:
        return getattr(settings, self.limit) if isinstance(self.limit, str) else self.limit

    def _key(self, ident: str, index: int) -> str:
        return f"limit:{self.name}:{self.window}:{index}:{ident}"

    def _position(self) -> tuple[int, float]:
        now = time.time()
        return int(now // self.window), (now % self.window) / self.window

    def add(self, ident: str = "all", cost: int = 1) -> float:
        """Count `cost` units for `ident`; the estimated count within the last window."""
        index, elapsed = self._position()
        current = store().add_or_incr(self._key(ident, index), cost, timeout=2 * self.window + 60)
        previous = store().get(self._key(ident, index - 1), 0)
        return current + previous * (1 - elapsed)

    def hit(self, ident: str = "all", cost: int = 1) -> bool:
        """Count `cost` units for `ident`; True while still within the limit."""
        return self.add(ident, cost) <= self.maximum

    def reached(self, ident: str = "all") -> bool:
        """True when the next unit would be over the limit (counts nothing)."""
        return self.used(ident) + 1 > self.maximum

    def used(self, ident: str = "all") -> float:
        index, elapsed = self._position()
        return store().get(self._key(ident, index), 0) + store().get(
            self._key(ident, index - 1), 0
        ) * (1 - elapsed)


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """django-axes writes this into its log lines: never the address, agent or user name."""
    return "a client"
