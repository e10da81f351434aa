"""What every benchmark script shares: a database of its own, a private Redis, the platform
migrated into it, tenants, and latency percentiles.

Call `isolate(name)` before `django.setup()`: it creates the database `cityos_bench_<name>` next to
the configured one (dropping a leftover of an earlier run, unless `fresh=False` keeps it), starts a
redis-server on a free port and points DATABASE_URL / REDIS_URL at both. `cleanup()` drops the
database (unless asked to keep it) and stops Redis.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Isolation:
    def __init__(self, name: str, *, fresh: bool = True):
        self.fresh = fresh
        base = os.environ.get("DATABASE_URL", f"postgres://cityos:cityos@127.0.0.1:"
                                              f"{os.environ.get('CITYOS_PG_PORT', '54329')}/cityos")
        self.base = urlparse(base)
        self.database = f"cityos_bench_{name}"
        self.redis_dir = tempfile.mkdtemp(prefix="cityos-bench-redis-")
        self.redis_port = free_port()
        self.redis = None

    def _admin_sql(self, sql: str, params=()):
        import psycopg

        admin = urlunparse(self.base._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            return conn.execute(sql, params).fetchone() if sql.startswith("SELECT") else conn.execute(sql, params)

    def start(self) -> "Isolation":
        if self.fresh:
            self._admin_sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        if not self._admin_sql("SELECT 1 FROM pg_database WHERE datname = %s", [self.database]):
            self._admin_sql(f'CREATE DATABASE "{self.database}"')
        os.environ["DATABASE_URL"] = urlunparse(self.base._replace(path=f"/{self.database}"))
        binary = shutil.which("redis-server")
        if binary is None:
            raise SystemExit("redis-server is not installed")
        self.redis = subprocess.Popen([binary, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                                       "--appendonly", "no", "--dir", self.redis_dir],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3)
        url = f"redis://127.0.0.1:{self.redis_port}/0"
        os.environ.update(REDIS_URL=url, CELERY_BROKER_URL=url, CELERY_RESULT_BACKEND=url)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityos.settings")
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        return self

    def cleanup(self, keep_database: bool = False) -> None:
        from django.db import connections

        connections.close_all()
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(10)
        shutil.rmtree(self.redis_dir, ignore_errors=True)
        if not keep_database:
            self._admin_sql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')


def isolate(name: str, *, fresh: bool = True) -> Isolation:
    return Isolation(name, fresh=fresh).start()


def migrate_platform(say) -> None:
    """The public and template schemas migrated (`manage.py setup_platform`)."""
    import django
    from django.core.management import call_command

    django.setup()
    say("migrating the benchmark database (public and template schemas) …")
    call_command("setup_platform", verbosity=0, stdout=open(os.devnull, "w"))


def provision(slug: str, name: str | None = None):
    """The tenant `slug` on `<slug>.localhost` (provisioned once; later calls return it)."""
    from tenants.services import provision_tenant

    return provision_tenant(slug, domain=f"{slug}.localhost", name=name or f"Bench {slug}").tenant


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]
