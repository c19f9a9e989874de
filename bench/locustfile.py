"""Benchmark 5's load: company users on the portal (bench/portal_load.py prepares them and starts this).

Each simulated user is one company's owner, connecting from a loopback address of its own (127.0.1.N: the
per-address limits see 50 companies, not one client). It logs in through the allauth form, then loops: the
open calls, a call's page, the dashboard, its applications; applies to the call, saves the basics as a draft,
goes on to the call's section, saves it, reviews, submits, reads the application, and withdraws it (so the
next round may apply again). Every form is posted with the CSRF token of the page it came from; redirects
are checked, not followed, so each request is timed on its own. Static files are not fetched (a browser
caches them; whitenoise serves them outside Django's views).

BENCH_PORTAL_PLAN: the JSON file portal_load's setup wrote (users, password, calls and what to post).
"""

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task
from requests.adapters import HTTPAdapter

PLAN = json.loads(open(os.environ["BENCH_PORTAL_PLAN"], encoding="utf-8").read())  # noqa: SIM115
NEXT_USER = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
APPLICATION = re.compile(r"/portal/applications/(\d+)/")


class FromAddress(HTTPAdapter):
    """Connections from one loopback source address."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class CompanyUser(HttpUser):
    wait_time = between(float(os.environ.get("BENCH_THINK_MIN", "1")), float(os.environ.get("BENCH_THINK_MAX", "3")))

    def on_start(self):
        number = next(NEXT_USER) % len(PLAN["users"])
        self.email = PLAN["users"][number]
        self.client.mount("http://", FromAddress(f"127.0.1.{number + 1}"))
        self.token = ""
        self.page("/accounts/login/", "login form")
        self.post("/accounts/login/", "login", {"login": self.email, "password": PLAN["password"]}, expect="/portal/")

    # --- helpers ---------------------------------------------------------------------------------------------

    def page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url} {response.error or ''}")
                return ""
            found = CSRF.search(response.text)
            if found:
                self.token = found.group(1)
            return response.text

    def post(self, url: str, name: str, data: dict, *, expect: str) -> str:
        """POST a form; the answer must redirect to a URL containing `expect`. Returns the redirect."""
        with self.client.post(
            url,
            data={**data, "csrfmiddlewaretoken": self.token},
            headers={"Referer": self.host + url},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "")
            if response.status_code != 302 or expect not in location:
                response.failure(
                    f"{response.status_code} to {location!r} for {url}, expected {expect!r} {response.error or ''}"
                )
                return ""
            return location

    # --- the loop --------------------------------------------------------------------------------------------

    @task
    def apply_and_submit(self):
        call = random.choice(PLAN["calls"])  # noqa: S311 - load generation
        self.page("/portal/calls/", "calls list")
        self.wait()
        self.page(f"/portal/calls/{call['id']}/", "call page")
        self.page("/portal/", "dashboard")
        self.page("/portal/applications/", "applications list")
        self.wait()
        location = self.post(f"/portal/calls/{call['id']}/apply/", "apply", {}, expect="/portal/applications/")
        found = APPLICATION.search(location)
        if not found:
            return
        pk = found.group(1)
        base = f"/portal/applications/{pk}"
        if "/edit/" not in location:  # applied before and not withdrawn: withdraw, apply next round
            self.page(f"{base}/withdraw/", "withdraw form")
            self.post(f"{base}/withdraw/", "withdraw", {"comment": ""}, expect=f"{base}/")
            return
        self.page(f"{base}/edit/0/", "edit step")
        self.post(f"{base}/edit/0/", "save step", {**call["basics"], "action": "save"}, expect=f"{base}/edit/0/")
        self.wait()
        self.page(f"{base}/edit/0/", "edit step")
        self.post(f"{base}/edit/0/", "save step", {**call["basics"], "action": "next"}, expect=f"{base}/edit/1/")
        self.page(f"{base}/edit/1/", "edit step")
        self.wait()
        self.post(f"{base}/edit/1/", "save step", {**call["section"], "action": "next"}, expect=f"{base}/edit/2/")
        self.page(f"{base}/edit/2/", "review step")
        self.wait()
        self.post(f"{base}/submit/", "submit", {}, expect=f"{base}/")
        self.page(f"{base}/", "application page")
        self.wait()
        self.page(f"{base}/withdraw/", "withdraw form")
        self.post(f"{base}/withdraw/", "withdraw", {"comment": "부하 시험"}, expect=f"{base}/")
