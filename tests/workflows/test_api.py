"""The workflow admin API: trigger, list, status, signal, cancel, process-outbox — staff only,
scoped to the request's tenant, bad input answered with field errors."""
import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django_tenants.utils import schema_context
from rest_framework.authtoken.models import Token

from tests.workflows.conftest import drive
from workflows.models import EventOutbox, OutboxStatus, RunStatus, WorkflowRun
from workflows.outbox import emit

pytestmark = pytest.mark.django_db

BASE = "/admin/api/workflows"


@pytest.fixture
def staff_a(client_a, admin_token_headers):
    client_a.credentials(**admin_token_headers)
    return client_a


@pytest.fixture
def staff_b(client_b, admin_token_headers):
    client_b.credentials(**admin_token_headers)
    return client_b


def _trigger(client, **body):
    return client.post(f"{BASE}/trigger", body, format="json")


def test_the_api_requires_staff_credentials(client_a):
    assert client_a.get(BASE).status_code == 401
    assert _trigger(client_a, workflow_type="TestCheap", entity_id="x").status_code == 401


def test_a_member_of_another_tenant_is_refused(client_b, tenant_a):
    from tenants.models import TenantMembership

    user = User.objects.create_user("alpha-only", "a@alpha.test", "s3cret-pass", is_staff=True)
    TenantMembership.objects.create(user=user, tenant=tenant_a, role="editor")
    token = Token.objects.create(user=user)
    client_b.credentials(HTTP_AUTHORIZATION=f"Bearer {token.key}")
    assert client_b.get(BASE).status_code == 403


def test_trigger_by_type_starts_a_run_and_returns_it(staff_a):
    response = _trigger(staff_a, workflow_type="TestSaga", input={"order_id": "ord_api_1"})
    assert response.status_code == 201, response.json()
    run = response.json()["runs"][0]
    assert run["workflow_id"] == "tenant:alpha:testorder:ord_api_1:saga"
    assert (run["status"], run["total_steps"], run["progress_percentage"]) == ("pending", 0, 0)

    again = _trigger(staff_a, workflow_type="TestSaga", input={"order_id": "ord_api_1"})
    assert again.status_code == 200
    assert again.json()["note"] == "run already exists"


def test_trigger_by_event_type_goes_through_the_map(staff_a):
    response = _trigger(staff_a, event_type="test.saga.requested", aggregate_type="testorder",
                        aggregate_id="ord_api_2", payload={"order_id": "ord_api_2"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["event"]["status"] == "delivered"
    assert [r["workflow_id"] for r in body["runs"]] == ["tenant:alpha:testorder:ord_api_2:saga"]
    event = EventOutbox.objects.get(pk=body["event"]["id"])
    assert (event.tenant_id, event.metadata["actor_id"]) == ("alpha", "admin-api-token")
    assert WorkflowRun.objects.get(workflow_id="tenant:alpha:testorder:ord_api_2:saga").causation_id == str(event.id)


def test_trigger_by_an_event_whose_workflow_is_not_built_records_the_note(staff_a):
    response = _trigger(staff_a, event_type="test.unbuilt.requested", aggregate_type="x", aggregate_id="1")
    assert response.status_code == 200
    assert response.json()["runs"] == []
    assert response.json()["note"] == "no workflow registered for NotBuiltYet"


@pytest.mark.parametrize("body, field", [
    ({}, "workflow_type"),
    ({"workflow_type": "TestCheap", "event_type": "test.cheap.happened"}, "event_type"),
    ({"workflow_type": "NoSuchWorkflow", "entity_id": "1"}, "workflow_type"),
    ({"workflow_type": "TestCheap"}, "entity_id"),
    ({"workflow_type": "TestCheap", "entity_id": "has space"}, "entity_id"),
    ({"workflow_type": "TestCheap", "entity_id": "1", "input": "not-an-object"}, "input"),
    ({"event_type": "test.cheap.happened"}, "aggregate_type"),
    ({"event_type": "Not An Event", "aggregate_type": "x", "aggregate_id": "1"}, "event_type"),
    ({"event_type": "test.nobody.listens", "aggregate_type": "x", "aggregate_id": "1"}, "event_type"),
    ({"event_type": "test.strict.requested", "aggregate_type": "x", "aggregate_id": "1", "payload": {}}, "payload"),
])
def test_bad_trigger_requests_get_field_errors_and_change_nothing(staff_a, body, field):
    runs, events = WorkflowRun.objects.count(), EventOutbox.objects.count()
    response = _trigger(staff_a, **body)
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]
    assert (WorkflowRun.objects.count(), EventOutbox.objects.count()) == (runs, events)


def test_the_list_is_paginated_filtered_and_scoped_to_the_tenant(staff_a, staff_b):
    for n in range(3):
        _trigger(staff_a, workflow_type="TestCheap", entity_id=f"list-{n}")
    _trigger(staff_a, workflow_type="TestFlaky", entity_id="list-flaky")
    _trigger(staff_b, workflow_type="TestCheap", entity_id="list-beta")
    drive("tenant:alpha:test_cheap:list-0:note")

    page = staff_a.get(BASE, {"type": "TestCheap", "limit": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]
    assert all(r["tenant_id"] == "alpha" for r in page["results"])
    completed = staff_a.get(BASE, {"status": "completed", "type": "TestCheap"}).json()
    assert [r["workflow_id"] for r in completed["results"]] == ["tenant:alpha:test_cheap:list-0:note"]
    assert staff_b.get(BASE, {"type": "TestFlaky"}).json()["count"] == 0

    bad = staff_a.get(BASE, {"status": "sleeping"})
    assert bad.status_code == 400 and "status" in bad.json()["error"]["fields"]


def test_status_shows_the_current_step_progress_and_history(staff_a):
    _trigger(staff_a, workflow_type="TestAwaitPayment", input={"payment_intent_id": "pi_api", "timeout": 300})
    workflow_id = "tenant:alpha:testpayment:pi_api:await"
    drive(workflow_id)

    body = staff_a.get(f"{BASE}/{workflow_id}").json()
    assert (body["status"], body["current_step"], body["current_step_number"], body["total_steps"]) == (
        "waiting", "await_capture", 2, 4)
    assert body["progress_percentage"] == 25
    assert body["waiting_for"]["signals"] == ["payment.intent.captured"]
    assert body["waiting_for"]["key"] == "pi_api" and body["waiting_for"]["deadline"]
    assert [(s["step"], s["status"]) for s in body["steps"]] == [("hold", "completed"), ("await_capture", "waiting")]
    assert body["steps"][0]["idempotency_key"] == f"{workflow_id}:hold"


def test_another_tenants_run_is_not_found(staff_a, staff_b):
    _trigger(staff_a, workflow_type="TestCheap", entity_id="private")
    workflow_id = "tenant:alpha:test_cheap:private:note"
    assert staff_a.get(f"{BASE}/{workflow_id}").status_code == 200
    for response in (staff_b.get(f"{BASE}/{workflow_id}"),
                     staff_b.post(f"{BASE}/{workflow_id}/signal", {"name": "a.b"}, format="json"),
                     staff_b.post(f"{BASE}/{workflow_id}/cancel", {}, format="json")):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "workflow_not_found"


def test_a_signal_wakes_the_waiting_run(staff_a):
    _trigger(staff_a, workflow_type="TestApproval", entity_id="api-approval", input={"timeout": 300})
    workflow_id = "tenant:alpha:testapproval:api-approval:approve"
    drive(workflow_id)
    response = staff_a.post(f"{BASE}/{workflow_id}/signal", {"name": "approval.request.approved",
                                                             "payload": {"approved_by": "lead"}}, format="json")
    assert response.status_code == 202
    assert response.json()["signal_id"] > 0
    assert drive(workflow_id).status == RunStatus.COMPLETED

    closed = staff_a.post(f"{BASE}/{workflow_id}/signal", {"name": "approval.request.approved"}, format="json")
    assert closed.status_code == 409 and closed.json()["error"]["code"] == "workflow_closed"
    bad = staff_a.post(f"{BASE}/{workflow_id}/signal", {"name": ""}, format="json")
    assert bad.status_code == 400 and "name" in bad.json()["error"]["fields"]


def test_cancel_compensates_and_ends_cancelled(staff_a):
    _trigger(staff_a, workflow_type="TestApproval", entity_id="api-cancel", input={"timeout": 300})
    workflow_id = "tenant:alpha:testapproval:api-cancel:approve"
    drive(workflow_id)
    response = staff_a.post(f"{BASE}/{workflow_id}/cancel", {"reason": "duplicate order"}, format="json")
    assert response.status_code == 202
    assert response.json()["cancel_requested"] is True
    run = drive(workflow_id)
    assert run.status == RunStatus.CANCELLED and run.error["message"] == "cancelled: duplicate order"
    again = staff_a.post(f"{BASE}/{workflow_id}/cancel", {}, format="json")
    assert again.status_code == 409


def test_process_outbox_relays_the_tenants_due_events(staff_a, tenant_b):
    with schema_context("t_alpha"), transaction.atomic():
        mine = emit("test.cheap.happened", aggregate_type="thing", aggregate_id="po-a", payload={})
    with schema_context(tenant_b.schema_name), transaction.atomic():
        theirs = emit("test.cheap.happened", aggregate_type="thing", aggregate_id="po-b", payload={})
    response = staff_a.post("/admin/api/integrations/process-outbox", {"batch_size": 50}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["delivered"] >= 1 and body["runs_started"] >= 1 and body["pending"] == 0
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, theirs.status) == (OutboxStatus.DELIVERED, OutboxStatus.PENDING)

    bad = staff_a.post("/admin/api/integrations/process-outbox", {"batch_size": 0}, format="json")
    assert bad.status_code == 400 and "batch_size" in bad.json()["error"]["fields"]
