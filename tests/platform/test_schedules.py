"""The beat schedule assembled from the apps' `schedules.py` modules."""
from types import SimpleNamespace

from cityos.celery import app
from cityos.schedules import _wrap, collect_schedules


def test_every_scheduled_job_names_a_registered_task():
    app.loader.import_default_modules()
    schedule = collect_schedules()
    assert schedule, "no beat jobs were collected"
    for name, entry in schedule.items():
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a registered task"
        if entry["task"] == "cityos.fan_out":
            assert entry["args"][0] in app.tasks, f"{name}: fans out to unknown task {entry['args'][0]}"


def test_per_tenant_jobs_are_routed_through_the_fan_out():
    wrapped = _wrap("x", {"task": "content.publish_scheduled", "schedule": 300, "per_tenant": True,
                          "kwargs": {"limit": 5}})
    assert wrapped == {"task": "cityos.fan_out", "schedule": 300,
                       "args": ("content.publish_scheduled", {"limit": 5}), "options": {}}


def test_beat_is_given_the_collected_schedule_when_the_app_is_finalised():
    from cityos.celery import _install_beat_schedule

    sender = SimpleNamespace(conf=SimpleNamespace())
    _install_beat_schedule(sender)
    assert sender.conf.beat_schedule == collect_schedules()
