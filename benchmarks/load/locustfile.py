"""A forum audience: open the page, search, select, ask for a path and synergies, export.

Replays the bodies written by ``benchmarks/load/requests.py`` (path in $ECOSYSTEM_REQUESTS).
Runs in its own virtual environment, so it imports nothing from the project.
"""

import json
import os
import random

from locust import HttpUser, between, task

with open(os.environ["ECOSYSTEM_REQUESTS"], encoding="utf-8") as requests_file:
    REQUESTS = json.load(requests_file)
CALLBACK = "/_dash-update-component"


class Viewer(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        self.open_page()

    def _callback(self, action):
        body = random.choice(REQUESTS[action])
        with self.client.post(CALLBACK, json=body, name=action, catch_response=True) as answer:
            if answer.status_code not in (200, 204):
                answer.failure(f"HTTP {answer.status_code}")

    @task(1)
    def open_page(self):
        self.client.get("/", name="open page")
        self.client.get("/_dash-layout", name="open page: layout")
        self.client.get("/_dash-dependencies", name="open page: callbacks")

    @task(4)
    def search(self):
        self._callback("search")

    @task(4)
    def select(self):
        self._callback("select")
        self._callback("draw")

    @task(2)
    def path(self):
        self._callback("path")

    @task(2)
    def synergy(self):
        self._callback("synergy")

    @task(1)
    def export(self):
        self._callback("export")
