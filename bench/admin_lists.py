"""Benchmark 1: the admin changelists of companies, applications, MOUs and enrolments, each with one filter and
one search an officer would type, at the small and at the full size.

Each page is fetched with Django's test client in a child process per database (`--measure`), as a superuser and
as the officer of the first generated zone: median of the runs after a warm-up, and the queries of one request.
The target: the same number of queries at both sizes and the full size's time at most 1.2 times the small one's.
"""

import json
import os
import statistics
import sys
import time

from bench.common import RUNS, Env, Row, run_child

TARGET_RATIO = 1.2
TARGET = f"<= {TARGET_RATIO}x, same queries"
# Rounds of measurement per size, taking turns between the sizes.
ROUNDS = int(os.environ.get("BENCH_ADMIN_ROUNDS", "3"))
# Part of a company name ("...에이아이", about 4% of the generated names): companies, the applications and MOUs
# of those companies, and the trainees they employed.
TERM = "에이아이"
# The companies list searches a shorter part of a name ("트", as in 소프트 or 테크: about 18% of the names), so that
# the small size's page is full too (86 startups; "에이아이" finds 18 there): both sizes render 50 rows, and the
# full size's count still stops at its bound, 1,050 rows past the page, where the small one counts 86.
COMPANY_TERM = "트"
# (label, admin URL name, filter and search): the zone filter is the zone of the officer measured beside the
# superuser.
CASES = (
    ("companies", "admin:companies_company_changelist", {"size": "startup", "q": COMPANY_TERM}),
    ("applications", "admin:programs_application_changelist", {"zone": "{zone}"}),
    ("MOUs", "admin:companies_mou_changelist", {"zone": "{zone}"}),
    ("enrolments", "admin:programs_enrolment_changelist", {"zone": "{zone}"}),
)
WHO = ("superuser", "zone officer")


# --- the child: one database ---------------------------------------------------------------------------------


def _users():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core.demo.people import ZONE_OFFICE_GROUP, zone_office_permissions
    from core.scale.common import FIRST_ZONE_SLUG, USERNAME_PREFIX
    from zones.models import Zone

    user_model = get_user_model()
    superuser, created = user_model.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True, "email": "bench@example.invalid"}
    )
    if created:
        superuser.set_unusable_password()
        superuser.save(update_fields=["password"])
    # generate_scale_data makes the officer without permissions: give it the demo's zone office group.
    group, _ = Group.objects.get_or_create(name=ZONE_OFFICE_GROUP)
    group.permissions.set(zone_office_permissions())
    officer = user_model.objects.get(username=f"{USERNAME_PREFIX}001-officer")
    officer.groups.add(group)
    return {"superuser": superuser, "zone officer": officer}, Zone.objects.get(slug=FIRST_ZONE_SLUG).pk


def _measure() -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    users, zone_id = _users()
    results = {}
    for who in WHO:
        client = Client(SERVER_NAME="localhost")  # the bench settings' ALLOWED_HOSTS; no test environment set up
        client.force_login(users[who])
        for label, url_name, params in CASES:
            query = {"q": TERM} | {key: value.format(zone=zone_id) for key, value in params.items()}
            path = reverse(url_name)

            def fetch(client=client, path=path, query=query):
                response = client.get(path, query)
                if response.status_code != 200:
                    raise RuntimeError(f"{path} {query}: {response.status_code}")
                return response

            fetch()  # warm-up: per-process caches, PostgreSQL's buffers
            with CaptureQueriesContext(connection) as queries:
                response = fetch()
            # Read now: the next request's request_started signal empties the connection's query log.
            captured = queries.captured_queries
            times = []
            for _ in range(RUNS):
                started = time.perf_counter()
                fetch()
                times.append((time.perf_counter() - started) * 1000)
            cl = response.context_data["cl"]
            results[f"{label}|{who}"] = {
                "median_ms": statistics.median(times),
                "times_ms": times,
                "queries": len(captured),
                "rows": len(cl.result_list),
                "count": cl.result_count,
                "count_shown": _count_shown(cl),
                "sql_ms": sum(float(q["time"]) for q in captured) * 1000,
                "sql": [q["sql"] for q in captured] if os.environ.get("BENCH_ADMIN_SQL") else [],
            }
    return results


def _count_shown(cl) -> str:
    """The count as the page states it: exact, or approximate when the paginator estimated it."""
    paginator = cl.paginator
    return f"~{cl.result_count}" if getattr(paginator, "approximate", False) else str(cl.result_count)


# --- the parent: both databases, the rows --------------------------------------------------------------------


def _combined(rounds: list[dict]) -> dict:
    """One database's rounds as one measurement: the median of every round's runs, the first round's details."""
    combined = {}
    for key, first in rounds[0].items():
        times = [ms for measured in rounds for ms in measured[key]["times_ms"]]
        combined[key] = {**first, "times_ms": times, "median_ms": statistics.median(times)}
    return combined


def bench(env: Env) -> list[Row]:
    # The sizes take turns (small, full, small, full, ...), so that a noisy neighbour weighs on both; each size's
    # median is over all its runs. The pages are measured, not the second factor of the admin's login.
    rounds = {"small": [], "full": []}
    for _ in range(ROUNDS):
        for which, url in (("small", env.small_url), ("full", env.full_url)):
            rounds[which].append(run_child("bench.admin_lists", url, "--measure", DJANGO_OTP_ADMIN_REQUIRED="0"))
    small, full = _combined(rounds["small"]), _combined(rounds["full"])
    rows = []
    for label, _, params in CASES:
        for who in WHO:
            key = f"{label}|{who}"
            s, f = small[key], full[key]
            ratio = f["median_ms"] / s["median_ms"]
            same_queries = s["queries"] == f["queries"]
            filters = "&".join(f"{k}={v}" for k, v in ({"q": TERM} | params).items())
            rows.append(
                Row(
                    what=f"admin {label} ({who}) {filters}",
                    size=env.full_label,
                    median=f["median_ms"],
                    unit="ms",
                    runs=RUNS * ROUNDS,
                    ratio=ratio,
                    target=TARGET,
                    passed=ratio <= TARGET_RATIO and same_queries,
                    notes=(
                        f"{env.small_label}: {s['median_ms']:.1f} ms; queries {s['queries']} / {f['queries']}; "
                        f"rows {s['rows']} / {f['rows']} of {s['count_shown']} / {f['count_shown']}; "
                        f"SQL {s['sql_ms']:.1f} / {f['sql_ms']:.1f} ms"
                    ),
                    extra={"small": s, "full": f},
                )
            )
    return rows


if __name__ == "__main__":
    if sys.argv[1:] != ["--measure"]:
        sys.exit("usage: python -m bench.admin_lists --measure  (against DATABASE_URL; prints JSON)")
    print(json.dumps(_measure()))
