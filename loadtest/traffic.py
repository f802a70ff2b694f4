"""The simulated people: officers, reviewers and auditors calling the API over keep-alive connections, and pairs
that fire the same step on the same case at the same moment. Every answer is recorded."""
from __future__ import annotations

import datetime as dt
import http.client
import json
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from loadtest.seed import VETTING, agreement, proposal

REVIEW = {"progress": "on_track", "results": "On target.", "costs_benefits": "Within budget.",
          "recommendation": "Continue."}


@dataclass
class Recorder:
    """What the clients saw: latencies and statuses per kind of request, accepted steps, conflict pairs."""

    started: float = field(default_factory=time.monotonic)
    seconds: dict = field(default_factory=lambda: defaultdict(list))
    statuses: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    accepted: dict = field(default_factory=dict)  # (case_id, seq) -> trigger
    pairs: list = field(default_factory=list)  # the two statuses of each deliberate conflict
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.seconds[kind].append(seconds)
            self.statuses[kind][status] += 1

    def accept(self, case_id: int, seq: int, trigger: str) -> None:
        with self.lock:
            self.accepted[(case_id, seq)] = trigger


class DeploymentClock:
    """The clock of the deployment under test: the real time plus the offset the run writes."""

    def __init__(self):
        self.offset = 0.0

    def today(self) -> dt.date:
        return (dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=self.offset)).date()


class Api:
    """One person's keep-alive connection to the API, recording every call."""

    def __init__(self, host: str, port: int, token: str, recorder: Recorder):
        self.host, self.port, self.recorder = host, port, recorder
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.connection = None

    def call(self, kind: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        start = time.monotonic()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            self.connection.request(method, "/api/v1" + path, body=json.dumps(body) if body is not None else None,
                                    headers=self.headers)
            response = self.connection.getresponse()
            raw = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            self.connection, status, raw = None, 599, b"{}"  # 599: no answer at all, counted as a server error
        self.recorder.note(kind, status, time.monotonic() - start)
        try:
            return status, json.loads(raw or b"{}")
        except ValueError:
            return status, {}


class Person(threading.Thread):
    """A simulated user acting until `stop` is set."""

    def __init__(self, api: Api, email: str, clock: DeploymentClock, stop: threading.Event, seed: int):
        super().__init__(daemon=True)
        self.api, self.email, self.clock, self.stop, self.random = api, email, clock, stop, random.Random(seed)

    def run(self) -> None:
        while not self.stop.is_set():
            self.act()

    def act(self) -> None:
        raise NotImplementedError

    def pick(self, kind: str, query: str) -> dict | None:
        """A random case of the listing `query`, read whole (for its version), or None."""
        status, page = self.api.call(kind, "GET", f"/cases?{query}&limit=20")
        items = page.get("items") or []
        if status != 200 or not items:
            return None
        status, case = self.api.call("read case", "GET", f"/cases/{self.random.choice(items)['id']}")
        return case if status == 200 else None

    def fire(self, case: dict, trigger: str, data: dict) -> int:
        status, answer = self.api.call(f"fire {trigger}", "POST", f"/cases/{case['id']}/transitions",
                                       {"trigger": trigger, "data": data, "expected_version": case["version"]})
        if status == 200:
            self.api.recorder.accept(case["id"], answer["outcome"]["seq"], trigger)
        return status


class Officer(Person):
    """Proposes partnerships, and agrees, activates and reviews their own."""

    def act(self) -> None:
        roll, today = self.random.random(), self.clock.today()
        if roll < 0.3:
            number = self.random.randrange(10**6, 10**7)
            status, answer = self.api.call("propose", "POST", "/cases", {"data": proposal(number, today + dt.timedelta(days=1))})
            if status == 201:
                self.api.recorder.accept(answer["case"]["id"], answer["outcome"]["seq"], "propose")
        elif roll < 0.55:
            case = self.pick("list own", f"owner={self.email}&state=vetted")
            if case:
                # A day back: the deployment reads a moved clock up to a moment later than the run moves it.
                self.fire(case, "agree", agreement(case["id"], today - dt.timedelta(days=1)))
        elif roll < 0.8:
            case = self.pick("list own", f"owner={self.email}&state=agreed")
            if case:
                self.fire(case, "activate", {"actual_start": (today - dt.timedelta(days=1)).isoformat()})
        else:
            case = self.pick("list own", f"owner={self.email}&state=active")
            if case:
                self.fire(case, "start_review", {"reason": "Officer's own review."})


class Reviewer(Person):
    """Vets proposals, completes reviews, begins exits and closes exited partnerships."""

    def act(self) -> None:
        roll, today = self.random.random(), self.clock.today()
        if roll < 0.4:
            case = self.pick("list", "state=proposed")
            if case:
                self.fire(case, "vet", VETTING)
        elif roll < 0.8:
            case = self.pick("list", "state=under_review")
            if case:
                self.fire(case, "complete_review", REVIEW)
        elif roll < 0.9:
            case = self.pick("list", "state=active")
            if case:
                self.fire(case, "begin_exit", {"handover": "To the ministry.", "sustainability": "Budget secured.",
                                               "completion_date": (today + dt.timedelta(days=60)).isoformat()})
        else:
            case = self.pick("list", "state=exiting")
            if case:
                self.fire(case, "discontinue", {"reason": "exit_completed", "narrative": "Done."})


class Auditor(Person):
    """Reads the list, the queue and each case's history."""

    def act(self) -> None:
        roll = self.random.random()
        if roll < 0.3:
            self.api.call("list", "GET", f"/cases?sort=-updated_at&limit=25&offset={self.random.randrange(0, 200)}")
        elif roll < 0.5:
            self.api.call("queue", "GET", "/queue?limit=25")
        else:
            status, page = self.api.call("list", "GET", "/cases?sort=-updated_at&limit=20")
            if status == 200 and page.get("items"):
                self.api.call("history", "GET", f"/cases/{self.random.choice(page['items'])['id']}/history")


class ConflictPair(Person):
    """Two reviewers firing the same step with the same expected version at the same moment: one may win."""

    def __init__(self, api: Api, other: Api, email, clock, stop, seed):
        super().__init__(api, email, clock, stop, seed)
        self.other = other

    def act(self) -> None:
        case = self.pick("list", "state=under_review")
        if not case:
            time.sleep(0.05)  # nothing under review yet: the clock has not brought any review due
            return
        barrier, statuses = threading.Barrier(2), [0, 0]

        def fire(index: int, api: Api) -> None:
            barrier.wait()
            status, answer = api.call("conflict", "POST", f"/cases/{case['id']}/transitions",
                                      {"trigger": "complete_review", "data": REVIEW, "expected_version": case["version"]})
            if status == 200:
                api.recorder.accept(case["id"], answer["outcome"]["seq"], "complete_review")
            statuses[index] = status

        other = threading.Thread(target=fire, args=(1, self.other))
        other.start()
        fire(0, self.api)
        other.join()
        with self.api.recorder.lock:
            self.api.recorder.pairs.append(tuple(sorted(statuses)))
