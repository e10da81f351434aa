"""Admin screens: the platform sees every tenant's events and runs, a tenant's admin only its own;
the operations (process, replay, cancel, resume) work from both."""
import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django_tenants.utils import schema_context

from tenants.models import TenantMembership
from tenants.staff import staff_group
from workflows import services
from workflows.models import EventOutbox, OutboxStatus, RunStatus
from workflows.outbox import emit

pytestmark = pytest.mark.django_db


def _client(host, user):
    client = Client(HTTP_HOST=host)
    client.force_login(user)
    return client


@pytest.fixture
def superuser():
    return User.objects.create_superuser("wf-root", "root@cityos.test", "s3cret-pass")


@pytest.fixture
def member_a(tenant_a):
    user = User.objects.create_user("wf-alpha", "ops@alpha.test", "s3cret-pass", is_staff=True)
    user.groups.add(staff_group())
    TenantMembership.objects.create(user=user, tenant=tenant_a, role="admin")
    return user


@pytest.fixture
def rows(tenant_a, tenant_b):
    made = {}
    for tenant in (tenant_a, tenant_b):
        with schema_context(tenant.schema_name):
            with transaction.atomic():
                made[f"{tenant.slug}-event"] = emit("test.cheap.happened", aggregate_type="thing",
                                                    aggregate_id=f"adm-{tenant.slug}", payload={})
            made[f"{tenant.slug}-run"] = services.start_workflow("TestApproval", {}, entity_id=f"adm-{tenant.slug}").run
    return made


def test_platform_admin_lists_every_tenants_events_and_runs(superuser, rows):
    client = _client("localhost", superuser)
    events = client.get("/django-admin/workflows/eventoutbox/", {"q": "adm-"})
    assert events.status_code == 200
    assert b"adm-alpha" in events.content and b"adm-beta" in events.content
    runs = client.get("/django-admin/workflows/workflowrun/", {"q": "adm-"})
    assert b"tenant:alpha:testapproval:adm-alpha:approve" in runs.content
    assert b"tenant:beta:testapproval:adm-beta:approve" in runs.content
    detail = client.get(f"/django-admin/workflows/workflowrun/{rows['alpha-run'].pk}/change/")
    assert detail.status_code == 200


def test_tenant_admin_shows_only_the_tenants_rows(member_a, rows):
    client = _client("alpha.localhost", member_a)
    events = client.get("/django-admin/workflows/eventoutbox/", {"q": "adm-"})
    assert events.status_code == 200
    assert b"adm-alpha" in events.content and b"adm-beta" not in events.content
    runs = client.get("/django-admin/workflows/workflowrun/", {"q": "adm-"})
    assert b"adm-alpha" in runs.content and b"adm-beta" not in runs.content
    other = client.get(f"/django-admin/workflows/workflowrun/{rows['beta-run'].pk}/change/")
    assert other.status_code in (302, 404)


def test_process_now_and_replay_dead_letters_actions(member_a, rows):
    client = _client("alpha.localhost", member_a)
    event = rows["alpha-event"]
    response = client.post("/django-admin/workflows/eventoutbox/", {
        "action": "process_now", "_selected_action": [str(event.pk), str(rows["beta-event"].pk)]}, follow=True)
    assert response.status_code == 200 and b"1 delivered" in response.content
    event.refresh_from_db()
    rows["beta-event"].refresh_from_db()
    assert (event.status, rows["beta-event"].status) == (OutboxStatus.DELIVERED, OutboxStatus.PENDING)

    EventOutbox.objects.filter(pk=event.pk).update(status=OutboxStatus.DEAD_LETTER)
    client.post("/django-admin/workflows/eventoutbox/", {"action": "replay_dead_letters",
                                                         "_selected_action": [str(event.pk)]})
    event.refresh_from_db()
    assert event.status == OutboxStatus.PENDING and event.retry_count == 0


def test_cancel_and_resume_actions(superuser, rows):
    client = _client("localhost", superuser)
    run = rows["alpha-run"]
    client.post("/django-admin/workflows/workflowrun/", {"action": "resume_runs", "_selected_action": [run.pk]})
    run.refresh_from_db()
    assert run.wake_at is not None
    client.post("/django-admin/workflows/workflowrun/", {"action": "cancel_runs", "_selected_action": [run.pk]})
    run.refresh_from_db()
    assert run.cancel_requested and run.status == RunStatus.PENDING
    assert run.error["error_class"] == "WorkflowCancelled"
