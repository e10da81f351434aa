"""One circuit breaker per external system (seeds 003 §4.5.3), shared by every process.

States: **closed** (calls pass; failures are counted in a sliding window), **open** (calls are
refused with `CircuitBreakerOpenError` until the recovery window has passed), **half-open**
(up to `half_open_max` trial calls pass; that many successes close the circuit, one failure opens
it again).

The state lives in Redis (one JSON value per system, changed under WATCH/MULTI) so the web
processes and the Celery workers see the same circuit. When Redis cannot be reached the breaker
keeps working on a process-local copy and says so (`store: "local"`): a Redis outage must not
stop calls to healthy systems.
"""
import json
import logging
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings

from integrations import errors

logger = logging.getLogger(__name__)

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"
KEY_PREFIX = "cityos:circuit:"


@dataclass(frozen=True)
class BreakerConfig:
    failure_threshold: int
    failure_window: float      # seconds
    recovery_window: float     # seconds the circuit stays open before trial calls
    half_open_max: int         # trial calls in half-open; that many successes close it
    fallback: str


CONFIGS = {
    "stripe": BreakerConfig(5, 60, 30, 2, "Queue the payment for retry; report it as processing"),
    "fleetbase": BreakerConfig(5, 120, 60, 3, "Use the last known tracking; queue new delivery orders"),
    "erpnext": BreakerConfig(10, 300, 120, 5, "Events wait in the outbox; sync when recovered"),
    "waltid": BreakerConfig(3, 60, 60, 1, "Use the cached credential status; queue new verifications"),
}
DEFAULT_CONFIG = BreakerConfig(5, 120, 60, 3, "Queue the operation for retry")


def _fresh() -> dict:
    return {"state": CLOSED, "failures": [], "opened_at": None, "trials": 0, "successes": 0}


# -- the state machine (pure: the same code runs on the Redis copy and on the local copy) --------
def _admit(state: dict, config: BreakerConfig, now: float) -> tuple[dict, bool]:
    if state["state"] == OPEN:
        if now - (state["opened_at"] or now) < config.recovery_window:
            return state, False
        state = {**state, "state": HALF_OPEN, "trials": 0, "successes": 0}
    if state["state"] == HALF_OPEN:
        if state["trials"] >= config.half_open_max:
            return state, False
        return {**state, "trials": state["trials"] + 1}, True
    return state, True


def _succeeded(state: dict, config: BreakerConfig, now: float) -> dict:
    if state["state"] == HALF_OPEN:
        successes = state["successes"] + 1
        if successes >= config.half_open_max:
            return _fresh()
        return {**state, "successes": successes}
    return state


def _failed(state: dict, config: BreakerConfig, now: float) -> dict:
    if state["state"] == HALF_OPEN:
        return {**_fresh(), "state": OPEN, "opened_at": now}
    if state["state"] == OPEN:
        return state
    failures = [t for t in state["failures"] if now - t < config.failure_window] + [now]
    failures = failures[-config.failure_threshold:]
    if len(failures) >= config.failure_threshold:
        return {**_fresh(), "state": OPEN, "opened_at": now, "failures": failures}
    return {**state, "failures": failures}


class _LocalStore:
    """Process-local fallback used while Redis is unreachable."""

    def __init__(self):
        self._states: dict[str, dict] = {}
        self._lock = threading.Lock()

    def update(self, system: str, change):
        with self._lock:
            state, result = change(self._states.get(system) or _fresh())
            self._states[system] = state
            return state, result

    def read(self, system: str) -> dict:
        with self._lock:
            return dict(self._states.get(system) or _fresh())

    def reset(self, system: str) -> None:
        with self._lock:
            self._states.pop(system, None)


class _RedisStore:
    def __init__(self, url: str):
        self.url = url
        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5)

    def update(self, system: str, change):
        key = KEY_PREFIX + system
        with self.client.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    raw = pipe.get(key)
                    state, result = change(json.loads(raw) if raw else _fresh())
                    pipe.multi()
                    pipe.set(key, json.dumps(state))
                    pipe.execute()
                    return state, result
                except redis.WatchError:
                    continue

    def read(self, system: str) -> dict:
        raw = self.client.get(KEY_PREFIX + system)
        return json.loads(raw) if raw else _fresh()

    def reset(self, system: str) -> None:
        self.client.delete(KEY_PREFIX + system)


class CircuitBreaker:
    """The breaker of one system. `clock` is injectable so tests can move time."""

    def __init__(self, system: str, *, config: BreakerConfig | None = None, redis_url: str | None = None,
                 clock=time.time):
        self.system = system
        self.config = config or CONFIGS.get(system, DEFAULT_CONFIG)
        self.clock = clock
        self._redis_url = redis_url
        self._local = _LocalStore()
        self._shared: _RedisStore | None = None
        self.last_store = "redis"

    def _stores(self) -> _RedisStore:
        url = self._redis_url or settings.REDIS_URL
        if self._shared is None or self._shared.url != url:
            self._shared = _RedisStore(url)
        return self._shared

    def _apply(self, change):
        try:
            state, result = self._stores().update(self.system, change)
            if self.last_store != "redis":
                logger.info("circuit %s: Redis reachable again, using the shared state", self.system)
            self.last_store = "redis"
            return state, result
        except redis.RedisError as exc:
            if self.last_store != "local":
                logger.warning("circuit %s: Redis unreachable (%s), using a process-local state", self.system, exc)
            self.last_store = "local"
            return self._local.update(self.system, change)

    # -- the calls a client makes ----------------------------------------------------------------
    def before_call(self) -> None:
        """Admit a call or raise `CircuitBreakerOpenError`."""
        now = self.clock()
        state, admitted = self._apply(lambda s: _admit(s, self.config, now))
        if not admitted:
            retry_after = None
            if state["state"] == OPEN and state["opened_at"]:
                retry_after = max(0.0, self.config.recovery_window - (now - state["opened_at"]))
            raise errors.CircuitBreakerOpenError(
                f"The {self.system} circuit is {state['state'].replace('_', '-')}: calls are paused. "
                f"{self.config.fallback}.", system=self.system, external_code="circuit_open",
                retry_after=retry_after)

    def record_success(self) -> None:
        now = self.clock()
        self._apply(lambda s: (_succeeded(s, self.config, now), None))

    def record_failure(self) -> None:
        now = self.clock()
        state, _ = self._apply(lambda s: (_failed(s, self.config, now), None))
        if state["state"] == OPEN and state["opened_at"] == now:
            logger.warning("circuit %s opened after %d failures", self.system, self.config.failure_threshold)

    # -- observation -----------------------------------------------------------------------------
    def snapshot(self) -> dict:
        try:
            state = self._stores().read(self.system)
            store = "redis"
        except redis.RedisError:
            state = self._local.read(self.system)
            store = "local"
        now = self.clock()
        shown = state["state"]
        if shown == OPEN and state["opened_at"] and now - state["opened_at"] >= self.config.recovery_window:
            shown = HALF_OPEN  # the next call will be a trial
        return {
            "state": shown,
            "failures_in_window": len([t for t in state["failures"] if now - t < self.config.failure_window]),
            "failure_threshold": self.config.failure_threshold,
            "opened_at": state["opened_at"],
            "store": store,
        }

    def reset(self) -> None:
        try:
            self._stores().reset(self.system)
        except redis.RedisError:
            pass
        self._local.reset(self.system)


_breakers: dict[str, CircuitBreaker] = {}


def breaker(system: str) -> CircuitBreaker:
    if system not in _breakers:
        _breakers[system] = CircuitBreaker(system)
    return _breakers[system]


STATE_VALUES = {CLOSED: 0, HALF_OPEN: 1, OPEN: 2}
