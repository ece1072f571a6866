"""The load of ``bench.bench_serve``: each simulated client asks ``POST /v1/decisions`` for a
random customer of the store (ids and key from the environment), back to back (no think time),
or at ``GOODCALL_BENCH_RATE`` requests per second; at ``GOODCALL_BENCH_AT`` (empty: the
service's now)."""

from __future__ import annotations

import os
import random

from locust import FastHttpUser, constant, constant_throughput, task

CUSTOMERS = os.environ["GOODCALL_BENCH_CUSTOMERS"].split(",")
KEY = os.environ["GOODCALL_BENCH_KEY"]
PATH = os.environ.get("GOODCALL_BENCH_PATH", "/v1/decisions")
AT = os.environ.get("GOODCALL_BENCH_AT", "2026-11-20T15:00:00+00:00")
RATE = os.environ.get("GOODCALL_BENCH_RATE")


class Dialler(FastHttpUser):
    wait_time = constant(0) if RATE is None else constant_throughput(float(RATE))

    @task
    def decide(self) -> None:
        headers = {"Authorization": f"Bearer {KEY}"}
        if PATH == "/healthz":
            self.client.get(PATH, name=PATH)
            return
        body = {"customer_id": random.choice(CUSTOMERS), **({"at": AT} if AT else {})}
        self.client.post(PATH, json=body, headers=headers, name=PATH)
