"""A Celery worker for the engine's tests: consumes the engine's test queue, runs beat embedded
(relay and due-run sweeps every half second), and knows the test workflow definitions."""
import os
import subprocess
import sys
import tempfile

from tests.support.processes import ROOT, WorkerProcess, wait_for

TEST_QUEUE = "workflows-tests"

ENGINE_ENV = {
    "WORKFLOW_TASK_QUEUE": TEST_QUEUE,
    "WORKFLOW_MODULES": "tests.workflows.saga_definitions",
    "WORKFLOW_RELAY_INTERVAL": "0.5",
    "WORKFLOW_SWEEP_INTERVAL": "0.5",
    "WORKFLOW_LEASE_GRACE": "1",
    "WORKFLOW_REKICK_AFTER": "2",
    "WORKFLOW_OUTBOX_BACKOFF": "0.2",
    "WORKFLOW_KICK_COOLDOWN": "1",
}


class EngineWorker(WorkerProcess):
    def __init__(self, *, database_url: str, redis_url: str, concurrency: int = 2, extra_env: dict | None = None):
        super().__init__(database_url=database_url, redis_url=redis_url, concurrency=concurrency, queues=TEST_QUEUE,
                         extra_env={**ENGINE_ENV, **(extra_env or {})})
        self.schedule_path = os.path.join(tempfile.mkdtemp(prefix="cityos-beat-"), "schedule")

    def start(self, timeout: float = 60) -> "EngineWorker":
        command = [sys.executable, "-m", "celery", "-A", "cityos", "worker", "--loglevel", "INFO",
                   "--concurrency", str(self.concurrency), "--hostname", f"{self.name}@%h",
                   "--without-mingle", "--without-gossip", "--queues", self.queues,
                   "--beat", "--schedule", self.schedule_path]
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        wait_for(lambda: self._heartbeat() or self.proc.poll() is not None, timeout, "the Celery worker")
        if self.proc.poll() is not None:
            raise RuntimeError(f"the Celery worker exited; see {self.log_path}:\n{self.log()[-3000:]}")
        return self
