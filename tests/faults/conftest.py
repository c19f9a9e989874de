"""Real processes for the fault tests: a Redis of their own, Celery workers, beat and web servers started as
subprocesses against the test database, a PostgreSQL of their own; all bounded in time and stopped by pid."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate: Callable[[], object], timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def stop_process(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def database_url(settings_dict: dict | None = None, name: str | None = None) -> str:
    """A DATABASE_URL for the pytest database (test_<name>), so subprocesses share it."""
    sd = settings_dict or connection.settings_dict
    user = sd.get("USER") or "postgres"
    password = f":{sd['PASSWORD']}" if sd.get("PASSWORD") else ""
    host = sd.get("HOST") or "127.0.0.1"
    port = sd.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name or sd['NAME']}"


def count_emails(directory: Path) -> list[str]:
    """The messages the file-based e-mail backend wrote (each file holds messages ended by a line of 79 dashes)."""
    messages = []
    for path in sorted(directory.glob("*.log")):
        for chunk in path.read_text(encoding="utf-8", errors="replace").split("\n" + "-" * 79 + "\n"):
            if chunk.strip():
                messages.append(chunk)
    return messages


# --- Redis --------------------------------------------------------------------------------------------------------


@dataclass
class RedisServer:
    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        log = open(self.directory / "redis.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until(self.answers, 15, "Redis to answer")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (make test installs it)")
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- processes running the project ---------------------------------------------------------------------------------


@dataclass
class Processes:
    """Celery workers, beat and web servers of the project, with one environment; all stopped at the end."""

    env: dict[str, str]
    logs: Path
    started: list[subprocess.Popen] = field(default_factory=list)

    def _spawn(self, name: str, command: list[str]) -> tuple[subprocess.Popen, Path]:
        log_path = self.logs / f"{name}-{len(self.started)}.log"
        log = open(log_path, "wb")  # noqa: SIM115
        process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started.append(process)
        return process, log_path

    def worker(self, *, wait_ready: bool = True) -> subprocess.Popen:
        process, log_path = self._spawn(
            "worker",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "-Q",
                "celery",
                "-l",
                "INFO",
            ],
        )
        if wait_ready:
            wait_until(
                lambda: process.poll() is not None or b"ready." in log_path.read_bytes(), 90, "the worker to start"
            )
            assert process.poll() is None, log_path.read_text(errors="replace")
        return process

    def beat(self) -> subprocess.Popen:
        """Celery beat on the django-celery-beat schedules of the pytest database (CELERY_BEAT_SCHEDULER)."""
        process, log_path = self._spawn(
            "beat",
            [
                str(VENV_BIN / "celery"),
                "-A",
                "config",
                "beat",
                "--max-interval",
                "1",
                "--schedule",
                str(self.logs / "celerybeat-schedule"),
                "-l",
                "INFO",
            ],
        )
        wait_until(
            lambda: process.poll() is not None or b"beat: Starting" in log_path.read_bytes(), 90, "beat to start"
        )
        assert process.poll() is None, log_path.read_text(errors="replace")
        return process

    def web(self, port: int) -> subprocess.Popen:
        process, log_path = self._spawn(
            "web",
            [
                str(VENV_BIN / "gunicorn"),
                "config.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
            ],
        )

        def up() -> bool:
            assert process.poll() is None, log_path.read_text(errors="replace")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return True
            except OSError:
                return False

        wait_until(up, 90, "the web server to start")
        return process

    def log(self) -> str:
        return "\n".join(
            f"== {path.name}\n{path.read_text(errors='replace')[-4000:]}" for path in sorted(self.logs.glob("*.log"))
        )

    def stop_all(self) -> None:
        for process in reversed(self.started):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
                try:
                    process.wait(15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(5)


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "mail"
    directory.mkdir()
    return directory


@pytest.fixture
def processes(tmp_path: Path, redis_server: RedisServer, mail_dir: Path) -> Iterator[Processes]:
    """Workers and web servers on the pytest database (transactional tests only) and this test's Redis."""
    logs = tmp_path / "logs"
    logs.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "tests.faults.settings_worker",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_server.url(0),
        "CELERY_BROKER_URL": redis_server.url(1),
        "FAULTS_EMAIL_DIR": str(mail_dir),
        "DJANGO_LOG_LEVEL": "INFO",
    }
    env.pop("CELERY_RESULT_BACKEND", None)
    group = Processes(env=env, logs=logs)
    try:
        yield group
    finally:
        group.stop_all()


@pytest.fixture
def publish(redis_server: RedisServer):
    """Send a task by name to this test's broker (the test process itself runs Celery eagerly)."""
    from celery import Celery

    app = Celery("faults", set_as_current=False)

    def send(name: str, *args, **kwargs) -> None:
        # An explicit connection: Celery prefers the CELERY_BROKER_URL of the environment (the suite's Redis).
        with app.connection_for_write(redis_server.url(1)) as conn:
            app.send_task(name, args=args, kwargs=kwargs, queue="celery", connection=conn)

    yield send
    app.close()


# --- PostgreSQL of its own -----------------------------------------------------------------------------------------


def as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if IS_ROOT else command


@dataclass
class PostgresServer:
    root: Path
    port: int = field(default_factory=free_port)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def pg_ctl(self, *args: str, timeout: float = 60) -> None:
        options = f"-k {self.root} -h 127.0.0.1 -p {self.port} -c fsync=off -c synchronous_commit=off"
        subprocess.run(  # noqa: S603
            as_postgres(
                [
                    str(PG_BIN / "pg_ctl"),
                    "-D",
                    str(self.data),
                    "-l",
                    str(self.root / "log"),
                    "-o",
                    options,
                    "-w",
                    "-t",
                    "60",
                    *args,
                ]
            ),
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
        )


@pytest.fixture
def postgres_server() -> Iterator[PostgresServer]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"needs PostgreSQL 15 server binaries in {PG_BIN}")
    root = Path(tempfile_dir())
    if IS_ROOT:
        shutil.chown(root, "postgres", "postgres")
    server = PostgresServer(root)
    subprocess.run(  # noqa: S603
        as_postgres(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(server.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
            ]
        ),
        check=True,
        timeout=120,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server.pg_ctl("start")
    try:
        yield server
    finally:
        try:
            server.pg_ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(root, ignore_errors=True)


def tempfile_dir() -> str:
    import tempfile

    # In /tmp itself when root: the postgres user must reach the directory.
    return tempfile.mkdtemp(prefix="faults-pg.", dir="/tmp" if IS_ROOT else None)  # noqa: S108


def copy_database(source_url: str, target_url: str) -> None:
    """pg_dump | pg_restore: the migrated test database (and its rows) into another server."""
    dump = subprocess.run(  # noqa: S603
        [str(PG_BIN / "pg_dump"), "-Fc", "--no-owner", "-d", source_url], check=True, capture_output=True, timeout=120
    )
    subprocess.run(  # noqa: S603
        [str(PG_BIN / "pg_restore"), "--no-owner", "-d", target_url],
        input=dump.stdout,
        check=True,
        capture_output=True,
        timeout=120,
    )


def createdb(server_url: str, name: str) -> None:
    import psycopg

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(name)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def python() -> str:
    return str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else sys.executable
