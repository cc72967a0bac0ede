"""HTTP load test of the CRM's everyday mix, per persona (run by loadtest/run.sh; loopback only).

Reps: my day, the customer list, a search, a 360 page, log a contact, their board. Managers: the team board and
the reports. Executives: the reports. Each simulated person logs in as a bench user of the role and draws the
files and search terms prepared by loadtest/inputs.py (random across the data, not one record). Each user's
rate is bounded (LOADTEST_USER_RPS requests per second at most) besides the number of users and the run time
given to locust.

Users are locust's FastHttpUser (geventhttpclient): the load generator shares the two cores with the server and
the database, and requests' HttpUser spent several times the CPU per request that this one does.
"""

import json
import os
import random
import re
from datetime import datetime
from urllib.parse import urlencode, urlparse

from locust import constant_throughput, events, task
from locust.contrib.fasthttp import FastHttpUser

with open(os.environ["LOADTEST_INPUTS"]) as inputs:  # written by loadtest/inputs.py (run.sh sets the path)
    INPUTS = json.load(inputs)
PICK = random.Random()  # noqa: S311 -- which file or term to open next, not a secret
USER_RPS = float(os.environ.get("LOADTEST_USER_RPS", "20"))
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


def form(fields: dict) -> str:
    return urlencode(fields)


@events.init.add_listener
def _loopback_only(environment, **kwargs):
    host = urlparse(environment.host or "").hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"loadtest: refusing host {host!r}: loopback only")


class Person(FastHttpUser):
    abstract = True
    pool = ()
    wait_time = constant_throughput(USER_RPS)

    def on_start(self):
        self.who = PICK.choice(INPUTS[self.pool])
        page = self.client.get("/accounts/login/", name="login form")
        token = TOKEN.search(page.text)
        with self.client.post(
            "/accounts/login/",
            data=form(
                {"username": self.who["username"], "password": INPUTS["password"], "csrfmiddlewaretoken": token[1]}
            ),
            headers=FORM_HEADERS,
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/accounts/login/" in (response.headers.get("Location") or ""):
                response.failure(f"login as {self.who['username']} failed")
            else:
                response.success()
        self.csrf = ""

    def file(self) -> int:
        return PICK.choice(self.who["customers"])


MIX = os.environ.get("LOADTEST_MIX", "personas")  # "list": the customer list alone


class Rep(Person):
    abstract = MIX != "personas"
    weight = 6
    pool = "reps"

    @task(3)
    def my_day(self):
        self.client.get("/my-day/", name="my day")

    @task(4)
    def customer_list(self):
        self.client.get("/customers/", name="customer list")

    @task(3)
    def search(self):
        self.client.get("/customers/", params={"q": PICK.choice(self.who["searches"])}, name="customer search")

    @task(5)
    def customer_page(self):
        response = self.client.get(f"/customers/{self.file()}/", name="customer 360")
        token = TOKEN.search(response.text or "")
        if token:
            self.csrf = token[1]

    @task(1)
    def log_contact(self):
        if not self.csrf:
            return self.customer_page()
        self.client.post(
            f"/customers/{self.file()}/interactions/new/",
            data=form(
                {
                    "channel": "call",
                    "direction": "out",
                    "occurred_at": datetime.now().strftime("%Y-%m-%d %H:%M"),
                    "summary": "Load test call",
                    "csrfmiddlewaretoken": self.csrf,
                }
            ),
            headers={"HX-Request": "true", **FORM_HEADERS},
            name="log a contact",
        )

    @task(2)
    def board(self):
        self.client.get("/sales/funnel/", name="board (mine)")


class Manager(Person):
    abstract = MIX != "personas"
    weight = 2
    pool = "managers"

    @task(3)
    def team_board(self):
        self.client.get("/sales/funnel/", params={"who": "team"}, name="board (team)")

    @task(2)
    def collection(self):
        self.client.get("/sales/reports/collection/", name="collection report")

    @task(1)
    def orders(self):
        self.client.get("/sales/reports/orders/", name="order analysis")

    @task(1)
    def funnel(self):
        self.client.get("/sales/funnel/report/", name="funnel report")

    @task(2)
    def customer_list(self):
        self.client.get("/customers/", name="customer list")


class Executive(Person):
    abstract = MIX != "personas"
    weight = 1
    pool = "executives"

    @task(2)
    def collection(self):
        self.client.get("/sales/reports/collection/", name="collection report")

    @task(2)
    def orders(self):
        self.client.get("/sales/reports/orders/", name="order analysis")

    @task(1)
    def team_board(self):
        self.client.get("/sales/funnel/", params={"who": "team"}, name="board (team)")

    @task(1)
    def funnel(self):
        self.client.get("/sales/funnel/report/", name="funnel report")


class ListOnly(Person):
    """LOADTEST_MIX=list: reps opening their customer list, nothing else (the list's own throughput)."""

    abstract = MIX != "list"
    pool = "reps"

    @task
    def customer_list(self):
        self.client.get("/customers/", name="customer list")
