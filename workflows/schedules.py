"""Beat jobs of the relay and the engine, plus one per scheduled workflow definition."""
from celery.schedules import crontab

from workflows import conf, definition as definitions

_options = conf.task_options()

SCHEDULES = {
    "workflows-relay-outbox": {"task": "workflows.relay_outbox", "schedule": conf.get("WORKFLOW_RELAY_INTERVAL"),
                               "options": {**_options, "expires": 60}},
    "workflows-resume-due-runs": {"task": "workflows.resume_due_runs",
                                  "schedule": conf.get("WORKFLOW_SWEEP_INTERVAL"),
                                  "options": {**_options, "expires": 60}},
    "workflows-prune-signals": {"task": "workflows.prune_signals", "schedule": crontab(hour=3, minute=30),
                                "options": _options},
}

for _type, _definition in definitions.registered().items():
    if _definition.schedule is not None:
        SCHEDULES[f"workflows-scheduled-{_type}"] = {
            "task": "workflows.start_scheduled", "schedule": _definition.schedule, "args": (_type,),
            "options": _options,
        }
