"""PostgreSQL stopped or restarted under a running web server: clean errors, no half-written records, recovery.

A PostgreSQL of the test's own (restarting the suite's would break other tests) holds a copy of the migrated
test database; gunicorn serves the project on it with persistent, health-checked connections (as in
production) and DEBUG off. API writes create zone targets through a token: each is a row and its history row,
written in one transaction.
"""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
import requests
from rest_framework.authtoken.models import Token

from tests import factories
from tests.faults.conftest import copy_database, createdb, database_url, free_port

pytestmark = pytest.mark.django_db(transaction=True)

CLEAN_ERRORS = {500, 502, 503}


def clean(response: requests.Response) -> bool:
    """A success, or an error page that shows nothing of the server's insides."""
    if response.status_code == 201:
        return True
    body = response.text
    return response.status_code in CLEAN_ERRORS and "Traceback" not in body and 'File "/' not in body


class Client:
    def __init__(self, port: int, token: str, zone_id: int):
        self.url = f"http://127.0.0.1:{port}/api/v1/zone-targets/"
        self.headers = {"Authorization": f"Token {token}", "Accept-Language": "en"}
        self.zone_id = zone_id
        self.year = 2000
        self.lock = threading.Lock()

    def create_target(self) -> requests.Response:
        with self.lock:
            self.year += 1
            year = self.year
        payload = {"zone": self.zone_id, "year": year, "measure": "jobs_created", "value": year}
        return requests.post(self.url, json=payload, headers=self.headers, timeout=20)


def partial_writes(url: str) -> tuple[int, int]:
    """(targets without exactly one creation in their history, creations in the history without a target)."""
    with psycopg.connect(url) as conn:
        orphans = conn.execute(
            "SELECT count(*) FROM zones_zonetarget t WHERE (SELECT count(*) FROM zones_historicalzonetarget h"
            " WHERE h.id = t.id AND h.history_type = '+') <> 1"
        ).fetchone()[0]
        ghosts = conn.execute(
            "SELECT count(*) FROM zones_historicalzonetarget h WHERE h.history_type = '+'"
            " AND NOT EXISTS (SELECT 1 FROM zones_zonetarget t WHERE t.id = h.id)"
        ).fetchone()[0]
    return orphans, ghosts


def test_requests_during_a_database_restart_fail_cleanly_and_write_all_or_nothing(postgres_server, processes):
    superuser = factories.SuperUserFactory(username="api-admin")
    token = Token.objects.create(user=superuser).key
    zone = factories.ZoneFactory()
    createdb(postgres_server.url(), "zones")
    target_url = postgres_server.url("zones")
    copy_database(database_url(), target_url)

    processes.env["DATABASE_URL"] = target_url
    port = free_port()
    processes.web(port)
    client = Client(port, token, zone.pk)
    first = client.create_target()
    assert first.status_code == 201, first.text

    # Database down: a clean error, nothing written.
    postgres_server.pg_ctl("stop", "-m", "fast")
    down = client.create_target()
    assert down.status_code in CLEAN_ERRORS and clean(down), down.text[:2000]
    postgres_server.pg_ctl("start")
    # Back up: the next request gets a new connection (the persistent one is checked before use).
    again = client.create_target()
    assert again.status_code == 201, again.text[:2000]

    # A restart while requests keep coming.
    responses: list[requests.Response] = []
    failures: list[BaseException] = []
    restarted = threading.Event()

    def fire() -> None:
        deadline = time.monotonic() + 40
        successes_after = 0
        while time.monotonic() < deadline and successes_after < 5:
            try:
                response = client.create_target()
            except requests.RequestException as error:  # a dropped connection is not a clean error either
                failures.append(error)
                continue
            responses.append(response)
            if restarted.is_set() and response.status_code == 201:
                successes_after += 1

    thread = threading.Thread(target=fire)
    thread.start()
    time.sleep(0.5)
    postgres_server.pg_ctl("restart", "-m", "fast")
    restarted.set()
    thread.join(60)
    assert not thread.is_alive()

    assert failures == []
    unclean = [(r.status_code, r.text[:500]) for r in responses if not clean(r)]
    assert unclean == []
    assert responses[-1].status_code == 201  # recovered
    created = {r.json()["id"] for r in [first, again, *responses] if r.status_code == 201}
    with psycopg.connect(target_url) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM zones_zonetarget")}
    assert created <= stored  # every success is there ...
    assert partial_writes(target_url) == (0, 0)  # ... and every row is whole
