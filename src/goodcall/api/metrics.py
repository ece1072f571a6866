"""``/metrics`` in the Prometheus text format: requests and their latency, per route and status.

Counted per worker process (each uvicorn worker answers for itself; a scraper sums them with
``sum by (route)``), in memory, behind one lock. The route is the path template (``/v1/customers/
{customer_id}``), never the path: customer ids must not become label values.
"""

from __future__ import annotations

import os
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Any]


class Metrics:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count: dict[tuple[str, str, str], int] = defaultdict(int)
        self._buckets: dict[tuple[str, str], list[int]] = {}
        self._sum: dict[tuple[str, str], float] = defaultdict(float)
        self._events: dict[str, int] = defaultdict(int)

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        with self._lock:
            self._count[(method, route, str(status))] += 1
            key = (method, route)
            buckets = self._buckets.setdefault(key, [0] * (len(BUCKETS) + 1))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    buckets[i] += 1
            buckets[-1] += 1
            self._sum[key] += seconds

    def event(self, name: str) -> None:
        """One more of a business event: ``decisions``, ``outcomes``, ``do_not_call``…"""
        with self._lock:
            self._events[name] += 1

    def text(self) -> str:
        pid = os.getpid()
        lines = [
            "# HELP goodcall_http_requests_total HTTP requests answered, by route and status.",
            "# TYPE goodcall_http_requests_total counter",
        ]
        with self._lock:
            for (method, route, status), n in sorted(self._count.items()):
                labels = f'method="{method}",route="{route}",status="{status}",worker="{pid}"'
                lines.append(f"goodcall_http_requests_total{{{labels}}} {n}")
            lines += [
                "# HELP goodcall_http_request_seconds Time to answer, by route.",
                "# TYPE goodcall_http_request_seconds histogram",
            ]
            for (method, route), buckets in sorted(self._buckets.items()):
                base = f'method="{method}",route="{route}",worker="{pid}"'
                for bound, n in zip((*map(str, BUCKETS), "+Inf"), buckets, strict=True):
                    lines.append(f'goodcall_http_request_seconds_bucket{{{base},le="{bound}"}} {n}')
                lines.append(
                    f"goodcall_http_request_seconds_sum{{{base}}} {self._sum[(method, route)]}"
                )
                lines.append(f"goodcall_http_request_seconds_count{{{base}}} {buckets[-1]}")
            lines += [
                "# HELP goodcall_events_total What the service recorded or decided.",
                "# TYPE goodcall_events_total counter",
            ]
            for name, n in sorted(self._events.items()):
                lines.append(f'goodcall_events_total{{event="{name}",worker="{pid}"}} {n}')
        return "\n".join(lines) + "\n"


class MetricsMiddleware:
    """Times every HTTP request and counts it under its route template."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, status = time.perf_counter(), 500

        async def sending(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.metrics.observe(
                scope["method"], route_template(scope), status, time.perf_counter() - start
            )


def route_template(scope: Scope) -> str:
    """The path with each path parameter's value put back as ``{name}`` (``unmatched`` when no
    route matched): ids never become label values."""
    if scope.get("route") is None:
        return "unmatched"
    names = {str(v): k for k, v in (scope.get("path_params") or {}).items()}
    path: str = scope["path"]
    return "/".join("{" + names[part] + "}" if part in names else part for part in path.split("/"))
