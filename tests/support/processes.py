"""Real server processes for tests: a private Redis and a Celery worker bound to the test database."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout} s waiting for {what}")


class RedisServer:
    """A redis-server of the test session's own, on a free port; can be stopped and restarted."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="cityos-redis-")
        self.proc = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def ping(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2, socket_timeout=0.2).ping()
        except redis.RedisError:
            return False

    def start(self) -> "RedisServer":
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is not installed (make test installs it)")
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, 10, f"redis on port {self.port}")
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        wait_for(lambda: not self.ping(), 5, "redis to stop")

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def database_url(settings_dict: dict) -> str:
    return "postgres://{USER}:{PASSWORD}@{HOST}:{PORT}/{NAME}".format(**settings_dict)


class WorkerProcess:
    """`celery worker` in a child process, pointed at the test database and the private Redis."""

    def __init__(self, *, database_url: str, redis_url: str, concurrency: int = 2, queues: str | None = None,
                 extra_env: dict | None = None):
        self.name = f"test-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": redis_url,
            "DB_CONN_MAX_AGE": "0",
            **(extra_env or {}),
        }
        self.redis_url = redis_url
        self.concurrency = concurrency
        self.queues = queues
        self.log_path = Path(tempfile.gettempdir()) / f"cityos-{self.name}.log"
        self.proc = None

    @property
    def hostname(self) -> str:
        return f"{self.name}@{socket.gethostname()}"

    def _heartbeat(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.redis_url, socket_connect_timeout=0.5).exists(
                f"cityos:worker:{self.hostname}"))
        except redis.RedisError:
            return False

    def start(self, timeout: float = 60) -> "WorkerProcess":
        command = [sys.executable, "-m", "celery", "-A", "cityos", "worker", "--loglevel", "INFO",
                   "--concurrency", str(self.concurrency), "--hostname", f"{self.name}@%h",
                   "--without-mingle", "--without-gossip"]
        if self.queues:
            command += ["--queues", self.queues]
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        wait_for(lambda: self._heartbeat() or self.proc.poll() is not None, timeout, "the Celery worker")
        if self.proc.poll() is not None:
            raise RuntimeError(f"the Celery worker exited; see {self.log_path}:\n{self.log_path.read_text()[-3000:]}")
        return self

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children), as a crash would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        redis.Redis.from_url(self.redis_url).delete(f"cityos:worker:{self.hostname}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
