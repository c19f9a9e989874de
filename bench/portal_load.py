"""Benchmark 5 (and the web half of 6): the company portal under load, at the small and at the full size.

For each database: a setup child makes 50 portal users (e-mail confirmed), each the owner of a generated
company, and open calls to apply to (tenancy, R&D grant and compute calls in the first zones, each with one
section and a required question; the generated calls are all closed by now). Then gunicorn serves config.wsgi
(2 workers of 4 threads, gthread: the portal's views wait on PostgreSQL) and locust runs headless for 60 s,
50 users spawned at 10/s (bench/locustfile.py: log in, browse, apply, save draft steps, submit, withdraw).
Rows: requests, failures and the 95th percentile from locust's aggregated statistics; the workers' peak
resident memory (VmHWM) read at the end of the run, before gunicorn stops.

    python -m bench.portal_load setup PLAN_FILE    (child, against DATABASE_URL)
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from bench.common import ROOT, Env, Row, child_env, run_child

USERS = 50
SPAWN_RATE = 10
SECONDS = int(os.environ.get("BENCH_PORTAL_SECONDS", "60"))
WORKERS = 2
THREADS = 4
P95_TARGET_MS = 300
PASSWORD = "bench-portal-pass-2026"  # noqa: S105 - a generated benchmark account
EMAIL = "bench-portal-{:02d}@bench.example.kr"
CALL_CODE = "bench-open"
CALL_ZONES = 5
CALL_KINDS = {
    "tenancy": {},
    "rnd_grant": {"requested_amount_krw": "150000000"},
    "compute": {"requested_gpu_hours": "500"},
}
QUESTION_KEY = "bench-plan"
RSS_GROWTH_LIMIT = 1.25


# --- setup (child) ------------------------------------------------------------------------------------------


def setup(plan_path: str) -> dict:
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from companies.models import Company, CompanyMember
    from programs.models import Call, FormQuestion, FormSection, Program
    from zones.models import Zone

    user_model = get_user_model()
    now = timezone.now()
    with transaction.atomic():
        company_ids = list(Company.objects.active().order_by("id").values_list("id", flat=True))
        step = max(1, len(company_ids) // USERS)
        emails = []
        for n in range(USERS):
            email = EMAIL.format(n + 1)
            user = user_model.objects.filter(email=email).first()
            if user is None:
                user = user_model.objects.create_user(username=email.split("@")[0], email=email, password=PASSWORD)
            EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            company_id = company_ids[(n * step) % len(company_ids)]
            CompanyMember.objects.update_or_create(
                company_id=company_id, user=user, defaults={"role": CompanyMember.Role.OWNER, "is_active": True}
            )
            emails.append(email)

        calls = []
        for zone in Zone.objects.active().order_by("id")[:CALL_ZONES]:
            for kind, extra in CALL_KINDS.items():
                program = Program.objects.active().filter(zone=zone, kind=kind).order_by("id").first()
                if program is None:
                    continue
                call, _created = Call.objects.update_or_create(
                    program=program,
                    code=CALL_CODE,
                    defaults={
                        "title_ko": f"{zone.name_ko} {program.name_ko} 상시 모집",
                        "title_en": f"{program.name_en} open call",
                        "opens_at": now - dt.timedelta(days=1),
                        "closes_at": now + dt.timedelta(days=60),
                        "is_published": True,
                        "budget_krw": 1_000_000_000,
                        "gpu_hours_available": 100_000,
                    },
                )
                section, _created = FormSection.objects.get_or_create(
                    call=call, order=1, defaults={"title_ko": "사업 계획", "title_en": "Business plan"}
                )
                FormQuestion.objects.get_or_create(
                    section=section,
                    key=QUESTION_KEY,
                    defaults={"order": 1, "kind": "long_text", "label_ko": "사업 계획 요약", "required": True},
                )
                calls.append(
                    {
                        "id": call.pk,
                        "kind": kind,
                        "basics": {"title": "부하 시험 신청", "summary": "AI 제품 개발 계획입니다.", **extra},
                        "section": {QUESTION_KEY: "양재 AI 허브에서 비전 AI 제품을 개발하고 실증합니다."},
                    }
                )
    if not calls:
        raise RuntimeError("no tenancy, R&D grant or compute program to open a call in")
    plan = {"users": emails, "password": PASSWORD, "calls": calls}
    Path(plan_path).write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return {"users": len(emails), "calls": len(calls), "companies": len(company_ids)}


# --- gunicorn and locust -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # the field after the state: the parent's pid
            found.append(int(entry.name))
    return found


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def gunicorn(database_url: str):
    """gunicorn (2 gthread workers) on a free loopback port; yields (base URL, master pid); always stopped."""
    log = tempfile.NamedTemporaryFile(prefix="bench-portal-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own virtualenv's gunicorn
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "-w",
            str(WORKERS),
            "--threads",
            str(THREADS),
            "-k",
            "gthread",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            # Longer than the users' think time: a connection is not closed under a request on its way.
            "--keep-alive",
            "30",
        ],
        cwd=ROOT,
        # Each simulated company submits every few seconds, far above a real one: the per-user submit limit
        # (its own tests prove it) would turn the load into 429s.
        env=child_env(database_url, RATE_LIMIT_APPLICATION_SUBMIT="100000/h"),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{Path(log.name).read_text()}")
            try:
                if _status(f"{base}/portal/calls/") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer in 90 s:\n{Path(log.name).read_text()}")
            time.sleep(0.3)
        for _ in range(4 * WORKERS):  # each worker imports and connects before the measured run
            _status(f"{base}/portal/calls/")
            _status(f"{base}/accounts/login/")
        yield base, process.pid, log.name
    finally:
        signal.signal(signal.SIGTERM, previous)
        _stop(process)
        log.close()
        os.unlink(log.name)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def run_locust(base: str, plan_path: str, csv_prefix: str) -> None:
    command = [
        str(ROOT / ".venv" / "bin" / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        str(USERS),
        "-r",
        str(SPAWN_RATE),
        "-t",
        f"{SECONDS}s",
        "--stop-timeout",
        "10",
        "--host",
        base,
        "--csv",
        csv_prefix,
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    process = subprocess.Popen(  # noqa: S603 - our own virtualenv's locust
        command,
        cwd=ROOT,
        env={**os.environ, "BENCH_PORTAL_PLAN": plan_path},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=SECONDS + 120)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        raise RuntimeError(f"locust did not finish:\n{output[-3000:]}") from None
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    # locust exits 1 when a request failed: the statistics say which; anything else is a crash.
    if process.returncode not in (0, 1) or not Path(f"{csv_prefix}_stats.csv").exists():
        raise RuntimeError(f"locust failed ({process.returncode}):\n{output[-3000:]}")


def read_stats(csv_prefix: str) -> dict:
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    pages = {}
    total = {}
    for row in rows:
        entry = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "median_ms": float(row["Median Response Time"]),
            "p95_ms": float(row["95%"]),
            "rps": float(row["Requests/s"]),
        }
        if row["Name"] == "Aggregated":
            total = entry
        else:
            pages[f"{row['Type']} {row['Name']}"] = entry
    failures = []
    failures_path = Path(f"{csv_prefix}_failures.csv")
    if failures_path.exists():
        with failures_path.open(encoding="utf-8") as handle:
            failures = [
                f"{r['Occurrences']}x {r['Method']} {r['Name']}: {r['Error'][:200]}" for r in csv.DictReader(handle)
            ]
    return {**total, "pages": pages, "failure_samples": failures[:5]}


def measure(database_url: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-portal-") as tmp:
        plan = str(Path(tmp) / "plan.json")
        prepared = run_child("bench.portal_load", database_url, "setup", plan)
        with gunicorn(database_url) as (base, master, log_path):
            workers = _children(master)
            cpu_before = sum(_cpu_seconds(pid) for pid in workers)
            run_locust(base, plan, str(Path(tmp) / "locust"))
            load = os.getloadavg()[0]
            if sorted(_children(master)) != sorted(workers):
                raise RuntimeError("a gunicorn worker was restarted during the run")
            cpu = sum(_cpu_seconds(pid) for pid in workers) - cpu_before
            rss = {pid: _peak_rss_mib(pid) for pid in workers}
            server_errors = [line for line in Path(log_path).read_text().splitlines() if "Traceback" in line]
        stats = read_stats(str(Path(tmp) / "locust"))
    return {
        **stats,
        "prepared": prepared,
        "worker_peak_rss_mib": list(rss.values()),
        "worker_cpu_ms_per_request": cpu * 1000 / max(stats["requests"], 1),
        "load_average_1min": load,
        "tracebacks": len(server_errors),
    }


# --- the benchmark ----------------------------------------------------------------------------------------------


def bench(env: Env) -> list[Row]:
    results = {}
    for label, url in ((env.small_label, env.small_url), (env.full_label, env.full_url)):
        print(f"  portal load at {label}", file=sys.stderr, flush=True)
        results[label] = measure(url)
    rows = []
    for label, result in results.items():
        slowest = max(result["pages"].items(), key=lambda item: item[1]["p95_ms"])
        is_full = label == env.full_label
        ok = result["failures"] == 0 and result["p95_ms"] < P95_TARGET_MS
        rows.append(
            Row(
                what=f"Portal under load ({USERS} companies, {SECONDS}s), p95",
                size=label,
                median=result["p95_ms"],
                unit="ms",
                runs=1,
                ratio=result["p95_ms"] / P95_TARGET_MS,
                target=f"0 errors, p95 < {P95_TARGET_MS} ms" + ("" if is_full else " (target at full size)"),
                passed=ok if is_full else None,
                notes=(
                    f"{result['requests']:,} requests ({result['rps']:.1f}/s), {result['failures']} failures, "
                    f"median {result['median_ms']:.0f} ms; slowest p95: {slowest[0]} {slowest[1]['p95_ms']:.0f} ms; "
                    f"worker CPU {result['worker_cpu_ms_per_request']:.1f} ms/request; "
                    f"load average {result['load_average_1min']:.1f} on {os.cpu_count()} CPUs"
                    + (f"; {result['failure_samples'][0]}" if result["failure_samples"] else "")
                ),
                extra=result,
            )
        )
    small, full = (max(results[label]["worker_peak_rss_mib"]) for label in (env.small_label, env.full_label))
    growth = full / small
    for label in (env.small_label, env.full_label):
        peaks = results[label]["worker_peak_rss_mib"]
        is_full = label == env.full_label
        rows.append(
            Row(
                what="Web worker peak RSS during the portal load (VmHWM, largest worker)",
                size=label,
                median=max(peaks),
                unit="MiB",
                runs=1,
                ratio=growth if is_full else None,
                target=f"full/small <= {RSS_GROWTH_LIMIT}" if is_full else "",
                passed=growth <= RSS_GROWTH_LIMIT if is_full else None,
                notes=f"workers: {', '.join(f'{p:.0f}' for p in peaks)} MiB",
            )
        )
    return rows


if __name__ == "__main__":
    command, *arguments = sys.argv[1:]
    if command != "setup":
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(setup(*arguments)))
