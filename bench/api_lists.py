"""Benchmark 2: API list endpoints under gunicorn (2 workers), loaded by wrk on loopback.

For each endpoint, the API's first page of 50 rows (DRF: token authentication, throttling, scoped queryset,
filter backends, cursor pagination, serializers, JSON renderer) against a bare Django view returning the same
50 rows (bench/views.py: the same token lookup, then `.values()` and JsonResponse), both served by the same
gunicorn in the same run. The runs alternate API, bare, API, bare, ... so that a noisy neighbour weighs on
both. Throughput with 8 connections (wrk -t2 -c8: the workers never idle), then latency with one connection per
worker (-c2: the workers still never idle, but no request queues behind another). The row reports the API's
median requests/s, the ratio of the medians, and the API's median p95 of the latency runs (the p95 of the
throughput runs beside it).

    python -m bench --only api_lists          # through scripts/bench.sh (make bench)
    python -m bench.api_lists --setup         # child process: the superuser's token, as JSON
"""

import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.common import ROOT, RUNS, Env, Row, child_env, run_child

SECONDS = int(os.environ.get("BENCH_API_SECONDS", "10"))
WARMUP_SECONDS = 3
THREADS, CONNECTIONS, WORKERS = 2, 8, 2
# Latency is measured with one connection per worker: every worker busy all the time, no request waiting in
# gunicorn's queue behind others. With 8 connections on 2 workers each request waits for about three others, so
# the throughput runs' p95 is four service times of queueing (reported beside it, not held to the target).
LATENCY_CONNECTIONS = WORKERS
TARGET_RATIO = 0.6
TARGET_P95_MS = 50.0
TARGET = f">= {TARGET_RATIO}x bare; p95 < {TARGET_P95_MS:.0f} ms"
USERNAME = "bench-api"

# (name, API path, bare path): the same page, rows, ordering and filter.
ENDPOINTS = (
    ("companies", "/api/v1/companies/?page_size=50", "/bench/companies/?page_size=50"),
    ("applications", "/api/v1/applications/?page_size=50", "/bench/applications/?page_size=50"),
    (
        "applications?status",
        "/api/v1/applications/?status=under_review&page_size=50",
        "/bench/applications/?status=under_review&page_size=50",
    ),
    ("mous", "/api/v1/mous/?page_size=50", "/bench/mous/?page_size=50"),
    ("enrolments", "/api/v1/enrolments/?page_size=50", "/bench/enrolments/?page_size=50"),
)

# wrk calls done() once at the end: the counts and the latency percentiles (microseconds) as one JSON line.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, \\"p95_us\\": %d, \\"p99_us\\": %d, "
    .. "\\"errors\\": %d, \\"non_2xx\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


# --- the child process: a superuser and its token in the benchmark database ------------------------------------


def setup() -> dict:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    user_model = get_user_model()
    user = user_model.objects.filter(username=USERNAME).first()
    if user is None:
        user = user_model.objects.create_superuser(USERNAME, f"{USERNAME}@example.com", password=None)
    token, _ = Token.objects.get_or_create(user=user)
    return {"token": token.key}


# --- gunicorn --------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, token: str, timeout: float = 10.0) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Token {token}"})  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@contextmanager
def gunicorn(database_url: str, token: str):
    """A gunicorn serving config.wsgi with the benchmark settings; yields its base URL; always stopped."""
    log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own virtualenv's gunicorn
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=child_env(database_url),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped with its workers, whatever happens here
    )
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{Path(log.name).read_text()}")
            try:
                if _get(f"{base}/bench/companies/?page_size=1", token, timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer in 90 s:\n{Path(log.name).read_text()}")
            time.sleep(0.3)
        yield base
    finally:
        signal.signal(signal.SIGTERM, previous)
        _stop(process)
        log.close()
        os.unlink(log.name)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()  # the master stops its workers gracefully
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)  # anything left of its group
    except ProcessLookupError:
        pass
    process.wait()


# --- wrk -------------------------------------------------------------------------------------------------------


def wrk(url: str, token: str, script: str, seconds: int, connections: int = CONNECTIONS) -> dict:
    """One wrk run: requests/s, p50/p95/p99 in ms, errors (socket errors and timeouts) and non-2xx answers."""
    completed = subprocess.run(  # noqa: S603 - wrk from the system
        [
            shutil.which("wrk") or "/usr/bin/wrk",
            f"-t{min(THREADS, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-s",
            script,
            "-H",
            f"Authorization: Token {token}",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    line = next(line for line in completed.stdout.splitlines() if line.startswith("BENCH "))
    result = json.loads(line.removeprefix("BENCH "))
    return {
        "rps": result["requests"] / (result["duration_us"] / 1e6),
        "p50_ms": result["p50_us"] / 1000,
        "p95_ms": result["p95_us"] / 1000,
        "p99_ms": result["p99_us"] / 1000,
        "errors": result["errors"],
        "non_2xx": result["non_2xx"],
    }


def _check_same_rows(base: str, token: str, api_path: str, bare_path: str) -> str:
    """Both answer 200 with the same ids in the same order; returns a problem, or ''."""
    try:
        api_status, api_body = _get(base + api_path, token, timeout=60)
        bare_status, bare_body = _get(base + bare_path, token, timeout=60)
    except OSError as error:
        return f"no answer: {error}"
    if api_status != 200 or bare_status != 200:
        return f"HTTP {api_status} (API) / {bare_status} (bare)"
    api_ids = [row["id"] for row in json.loads(api_body)["results"]]
    bare_ids = [row["id"] for row in json.loads(bare_body)["results"]]
    if api_ids != bare_ids:
        return "the API and the bare view return different rows"
    return ""


# --- the benchmark ---------------------------------------------------------------------------------------------


def _summary(runs: list[dict]) -> dict:
    return {
        "rps": statistics.median(run["rps"] for run in runs),
        "p50_ms": statistics.median(run["p50_ms"] for run in runs),
        "p95_ms": statistics.median(run["p95_ms"] for run in runs),
        "p99_ms": statistics.median(run["p99_ms"] for run in runs),
        "rps_min": min(run["rps"] for run in runs),
        "rps_max": max(run["rps"] for run in runs),
        "errors": sum(run["errors"] + run["non_2xx"] for run in runs),
    }


def bench(env: Env) -> list[Row]:
    token = run_child("bench.api_lists", env.full_url, "--setup")["token"]
    rows = []
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script, gunicorn(env.full_url, token) as base:
        script.write(WRK_SCRIPT)
        script.flush()
        for name, api_path, bare_path in ENDPOINTS:
            problem = _check_same_rows(base, token, api_path, bare_path)
            for path in (api_path, bare_path):
                wrk(base + path, token, script.name, WARMUP_SECONDS)
            api_runs, bare_runs, api_latency_runs, bare_latency_runs = [], [], [], []
            load_before = os.getloadavg()[0]
            for _ in range(RUNS):
                api_runs.append(wrk(base + api_path, token, script.name, SECONDS))
                bare_runs.append(wrk(base + bare_path, token, script.name, SECONDS))
            for _ in range(RUNS):
                api_latency_runs.append(wrk(base + api_path, token, script.name, SECONDS, LATENCY_CONNECTIONS))
                bare_latency_runs.append(wrk(base + bare_path, token, script.name, SECONDS, LATENCY_CONNECTIONS))
            api, bare = _summary(api_runs), _summary(bare_runs)
            api_latency, bare_latency = _summary(api_latency_runs), _summary(bare_latency_runs)
            ratio = api["rps"] / bare["rps"]
            errors = sum(run["errors"] for run in (api, bare, api_latency, bare_latency))
            if errors:
                problem = problem or f"{errors} errors or non-2xx answers"
            rows.append(
                Row(
                    what=f"API list: {api_path}",
                    size=env.full_label,
                    median=api["rps"],
                    unit="req/s",
                    runs=RUNS,
                    ratio=ratio,
                    target=TARGET,
                    passed=not problem and ratio >= TARGET_RATIO and api_latency["p95_ms"] < TARGET_P95_MS,
                    notes=(
                        f"bare {bare['rps']:,.0f} req/s; p95 {api_latency['p95_ms']:.1f} ms at -c{LATENCY_CONNECTIONS} "
                        f"(bare {bare_latency['p95_ms']:.1f}), {api['p95_ms']:.1f} ms at -c{CONNECTIONS} "
                        f"(bare {bare['p95_ms']:.1f}); API runs {api['rps_min']:,.0f}-{api['rps_max']:,.0f} req/s"
                        + (f"; {problem}" if problem else "")
                    ),
                    extra={
                        "endpoint": name,
                        "bare_path": bare_path,
                        "load": f"wrk -t{THREADS} -c{CONNECTIONS} -d{SECONDS}s, gunicorn -w {WORKERS}",
                        "latency_load": f"wrk -c{LATENCY_CONNECTIONS} -d{SECONDS}s",
                        "api": api,
                        "bare": bare,
                        "api_latency": api_latency,
                        "bare_latency": bare_latency,
                        "api_runs": api_runs,
                        "bare_runs": bare_runs,
                        "load_average": [load_before, os.getloadavg()[0]],
                    },
                )
            )
    return rows


if __name__ == "__main__":
    if sys.argv[1:] == ["--setup"]:
        print(json.dumps(setup()))
    else:
        sys.exit("usage: python -m bench.api_lists --setup (the benchmark runs through python -m bench)")
