"""The people of the ``load_pages`` benchmark, for locust (``locust -f benchmarks/locust_pages.py``).

Started by ``benchmarks/bench_load.py``, which writes ``LOAD_USERS_FILE``: signed-in
session cookies of demo mentees, mentors and programme managers (MFA passed in the
session), and ids the actions need. Each simulated person takes one identity and,
with one to three seconds between clicks, visits the pages of their role and now
and then acts: a mentee requests a suggested mentor or books a flash session, a
mentor accepts a pending request. Every request carries a page name (the figures
are per name); anything but the expected status is a failure (``errors``).

Not a benchmark module itself (no ``bench_`` prefix): it imports locust and gevent,
which the benchmark runner must not.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["LOAD_USERS_FILE"]).read())  # noqa: SIM115 - read once
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUGGESTION_REQUEST = re.compile(r'href="(/matches/suggestions/\d+/request/)"')
REQUEST_LINK = re.compile(r'href="/matches/requests/(\d+)/"')
FORMAT = re.compile(r'name="format" value="(\w+)"')
SLOT = re.compile(r'name="slot" value="([^"]+)"')
SEARCHES = ["python", "design", "data", "leadership", "marketing", "sql", "product", "finance"]
_next = {kind: itertools.count() for kind in ("mentees", "mentors", "staff")}


class Member(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    kind = ""

    def on_start(self):
        pool = DATA[self.kind]
        self.me = pool[next(_next[self.kind]) % len(pool)]
        self.client.cookies.set(DATA["session_cookie"], self.me["session"])

    def page(self, name: str, url: str, *, ok=(200,)):
        with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as r:
            if r.status_code not in ok:
                r.failure(f"{r.status_code} on {url}")
            return r

    def post(self, name: str, url: str, data: dict, *, referer: str):
        with self.client.post(
            url,
            data=data,
            name=name,
            catch_response=True,
            allow_redirects=False,
            headers={"Referer": self.host + referer},
        ) as r:
            # 302: done; 200, or 400 with the form's errors: a refusal (full, slot just
            # taken, already requested...), the answer a person gets, not a failure.
            refused = r.status_code == 400 and "alert-danger" in r.text
            if r.status_code not in (200, 302) and not refused:
                r.failure(f"{r.status_code} on POST {url}")
            elif refused:
                r.success()  # locust marks any 4xx failed unless told otherwise
            return r

    @task(2)
    def notifications(self):
        self.page("notifications", "/notifications/")

    @task(2)
    def dashboard(self):
        self.page("dashboard", "/dashboard/")

    @task(2)
    def questions(self):
        self.page("questions", "/questions/")

    @task(2)
    def directory_search(self):
        self.page("directory_search", f"/mentors/?q={random.choice(SEARCHES)}")

    @task(1)
    def workspace(self):
        if self.me.get("mentorships"):
            self.page("workspace", f"/matches/mentorships/{random.choice(self.me['mentorships'])}/")

    @task(2)
    def healthz(self):
        self.page("healthz", "/healthz")


class Mentee(Member):
    weight = 6
    kind = "mentees"

    @task(3)
    def suggestions(self):
        self.page("suggestions", "/matches/suggestions/")

    @task(1)
    def request_a_suggestion(self):
        listing = self.page("suggestions", "/matches/suggestions/")
        links = SUGGESTION_REQUEST.findall(listing.text)
        if not links:
            return
        url = random.choice(links)
        form = self.page("request_form", url)
        token, formats = CSRF.search(form.text), FORMAT.findall(form.text)
        if token is None or not formats:
            return
        self.post(
            "request",
            url,
            {
                "csrfmiddlewaretoken": token.group(1),
                "format": random.choice(formats),
                "message": "I would like to learn how you approach this; load test.",
            },
            referer=url,
        )

    @task(1)
    def book_flash(self):
        url = f"/people/{random.choice(DATA['flash_mentors'])}/flash/"
        form = self.page("booking_form", url)
        token, slots = CSRF.search(form.text), SLOT.findall(form.text)
        if token is None or not slots:
            return
        self.post(
            "book",
            url,
            {
                "csrfmiddlewaretoken": token.group(1),
                "minutes": "60",
                "slot": random.choice(slots),
                "topic": "A first conversation (load test)",
            },
            referer=url,
        )


class Mentor(Member):
    weight = 3
    kind = "mentors"

    @task(3)
    def inbox(self):
        self.page("inbox", "/matches/requests/")

    @task(1)
    def accept(self):
        inbox = self.page("inbox", "/matches/requests/")
        pending = REQUEST_LINK.findall(inbox.text)
        if not pending:
            return
        pk = random.choice(pending)
        detail = self.page("request_detail", f"/matches/requests/{pk}/", ok=(200, 404))
        token = CSRF.search(detail.text)
        if detail.status_code != 200 or token is None:
            return  # taken meanwhile (another identity of the same mentor)
        self.post(
            "accept",
            f"/matches/requests/{pk}/accept/",
            {"csrfmiddlewaretoken": token.group(1)},
            referer=f"/matches/requests/{pk}/",
        )


class ProgrammeManager(Member):
    weight = 1
    kind = "staff"

    @task(3)
    def programme_dashboard(self):
        self.page("programme_dashboard", "/programme/")
