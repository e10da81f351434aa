"""The beat schedule registry.

An app declares its periodic jobs in `<app>/schedules.py` as a `SCHEDULES` dict in Celery's
beat format. Jobs that must run in every tenant set `"per_tenant": True`; they are routed through
`cityos.fan_out`, which enqueues the task once per active tenant inside that tenant's schema.
"""
from cityos.discovery import app_modules


def _wrap(name: str, entry: dict) -> dict:
    entry = dict(entry)
    if entry.pop("per_tenant", False):
        entry = {
            "task": "cityos.fan_out",
            "schedule": entry["schedule"],
            "args": (entry["task"], entry.get("kwargs", {})),
            "options": entry.get("options", {}),
        }
    return entry


def collect_schedules() -> dict:
    schedule = {}
    for module in app_modules("schedules"):
        for name, entry in getattr(module, "SCHEDULES", {}).items():
            if name in schedule:
                raise ValueError(f"beat job {name!r} is declared twice")
            schedule[name] = _wrap(name, entry)
    return schedule
