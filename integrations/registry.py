"""Which adapter serves each external system: the real client when its variables are set, the
in-process sandbox otherwise. /health and the integrations dashboard read their state from here.
"""
from dataclasses import dataclass
from typing import Callable

SYSTEMS = ("stripe", "erpnext", "fleetbase", "waltid")


@dataclass
class AdapterSpec:
    system: str
    is_configured: Callable[[], bool]
    real: Callable[[], object]
    sandbox: Callable[[], object]


_specs: dict[str, AdapterSpec] = {}
_instances: dict[tuple[str, str], object] = {}


def register(spec: AdapterSpec) -> None:
    _specs[spec.system] = spec


def is_registered(system: str) -> bool:
    return system in _specs


def mode(system: str) -> str:
    spec = _specs.get(system)
    if spec is None:
        return "unavailable"
    return "live" if spec.is_configured() else "sandbox"


def get(system: str, *, sandbox: bool = False):
    """The adapter for `system`; `sandbox=True` forces the sandbox even when configured."""
    spec = _specs.get(system)
    if spec is None:
        raise LookupError(f"no adapter is registered for {system!r}")
    which = "sandbox" if sandbox or not spec.is_configured() else "live"
    key = (system, which)
    if key not in _instances:
        _instances[key] = spec.sandbox() if which == "sandbox" else spec.real()
    return _instances[key]


def reset() -> None:
    """Forget built adapter instances (settings changed, tests)."""
    _instances.clear()


def health_report() -> dict:
    """Per system: `mode` (live or sandbox), `healthy`, `message` and the circuit breaker's state."""
    from integrations.circuit import breaker

    report = {}
    for system in SYSTEMS:
        if system not in _specs:
            report[system] = {"mode": "unavailable", "healthy": True,
                              "detail": "no adapter installed for this system yet"}
            continue
        adapter = get(system)
        try:
            result = adapter.health_check()
        except Exception as exc:  # health reports failures instead of raising them
            result = {"healthy": False, "message": f"{type(exc).__name__}: {exc}"}
        circuit = breaker(system).snapshot()
        if circuit["state"] == "open":
            result = {**result, "healthy": False,
                      "message": f"{result.get('message', '')}; circuit open".strip("; ")}
        report[system] = {"mode": mode(system), "configured": mode(system) == "live", **result, "circuit": circuit}
    return report
