"""Timing pages through the Django test client: latency samples and the query count.

The test client runs the whole stack a real request runs (middleware, session, authentication,
view, template) except the WSGI server and the network, so figures are server time only.
Import only after django.setup().
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.db import connection
from django.test import Client

from bench.report import Timing

WARMUP = 3
REQUESTS = 30


@dataclass
class PageResult:
    timing: Timing
    queries: int
    sql: list[tuple[str, float]]  # (statement, milliseconds) of the counted request
    body: str

    @property
    def sql_ms(self) -> float:
        return sum(ms for _, ms in self.sql)

    @property
    def slowest(self) -> tuple[str, float]:
        return max(self.sql, key=lambda q: q[1], default=("", 0.0))


class _QueryLog:
    """A connection.execute_wrapper that records every statement and how long it took."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, (time.perf_counter() - started) * 1000))


def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _get(client: Client, url: str) -> tuple[int, bytes]:
    response = client.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, content


def measure_get(
    client: Client,
    url: str,
    *,
    requests: int = REQUESTS,
    warmup: int = WARMUP,
    expect_status: int = 200,
) -> PageResult:
    """Warm up, count the queries of one request, then time `requests` more requests.

    Queries are counted on a separate request so that capturing SQL does not slow the timed ones.
    """
    for _ in range(warmup):
        status, _ = _get(client, url)
        if status != expect_status:
            raise AssertionError(f"GET {url} answered {status}, expected {expect_status}")
    log = _QueryLog()
    with connection.execute_wrapper(log):
        status, body = _get(client, url)
    samples: list[float] = []
    for _ in range(requests):
        started = time.perf_counter()
        status, _ = _get(client, url)
        samples.append((time.perf_counter() - started) * 1000)
        if status != expect_status:
            raise AssertionError(f"GET {url} answered {status}, expected {expect_status}")
    return PageResult(
        timing=Timing(samples),
        queries=len(log.queries),
        sql=log.queries,
        body=body.decode("utf-8", errors="replace"),
    )
