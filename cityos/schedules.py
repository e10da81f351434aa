"""The beat schedule registry.

An app declares its periodic jobs in `<app>/schedules.py` as a `SCHEDULES` dict in Celery's
beat format. Jobs that must run in every tenant set `"per_tenant": True`; they are routed through
`cityos.fan_out`, which enqueues the task once per active tenant inside that tenant's schema.
"""
import importlib

from django.apps import apps


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
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.schedules")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.schedules":
                raise
            continue
        for name, entry in getattr(module, "SCHEDULES", {}).items():
            if name in schedule:
                raise ValueError(f"beat job {name!r} is declared twice")
            schedule[name] = _wrap(name, entry)
    return schedule
