"""Driving one page of a running server for ``bench/pages.py``: with hey (or wrk when
hey is missing), many requests at once, or one request at a time for the time to the
first byte of a download. Every answer must be 200, or BenchError stops the bench.
"""

from __future__ import annotations

import http.client
import re
import shutil
import statistics
import subprocess
import time
from collections import Counter
from dataclasses import dataclass

from bench.search import p99


class BenchError(Exception):
    """A page that did not answer 200, or a command that failed: the bench stops."""


@dataclass
class Run:
    requests: int
    per_second: float
    p50: float  # milliseconds
    p99: float


class Driver:
    """Drives one URL with hey (or wrk) for ``duration`` seconds or ``requests`` requests
    and reads requests/s, p50 and p99 (from hey's line per request, or wrk's summary);
    raises BenchError unless every request was answered with 200."""

    def __init__(self, duration: float | None, requests: int | None):
        self.tool = next((tool for tool in ("hey", "wrk") if shutil.which(tool)), None)
        if self.tool is None:
            raise BenchError("neither hey nor wrk is installed (apt-get install hey)")
        if self.tool == "wrk" and requests:
            raise BenchError("wrk runs for a time, not a number of requests: use --duration")
        self.duration, self.requests = duration, requests

    def describe(self, clients: int) -> str:
        load = f"{self.duration:g} s" if self.duration else f"{self.requests} requests"
        return f"{self.tool} with {clients} connections, {load} per page"

    def run(self, url: str, cookie: str, clients: int) -> Run:
        if self.tool == "hey":
            load = (["-z", f"{self.duration}s"] if self.duration
                    else ["-n", str(max(self.requests, clients))])
            command = ["hey", "-c", str(clients), *load, "-t", "120", "-o", "csv",
                       "-H", f"Cookie: {cookie}", url]
        else:
            command = ["wrk", f"-t{min(2, clients)}", f"-c{clients}", f"-d{self.duration}s",
                       "--timeout", "120s", "--latency", "-H", f"Cookie: {cookie}", url]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        run = self._hey(url, output) if self.tool == "hey" else self._wrk(url, output)
        if self.requests and run.requests < self.requests // clients * clients:
            raise BenchError(f"{url}: {self.requests - run.requests} requests had no answer")
        return run

    @staticmethod
    def _hey(url: str, output: str) -> Run:
        """From hey's CSV, one row per answered request: response time (s), ..., status,
        offset from the start (s). Its own summary leaves p99 out below 100 requests."""
        rows = [line.split(",") for line in output.splitlines()[1:] if line]
        statuses = Counter(row[6] for row in rows)
        if set(statuses) != {"200"}:
            raise BenchError(f"{url} answered {dict(statuses) or 'nothing'}")
        times = [float(row[0]) * 1000 for row in rows]
        seconds = max(float(row[7]) + float(row[0]) for row in rows)
        return Run(len(rows), len(rows) / seconds, statistics.median(times), p99(times))

    @staticmethod
    def _wrk(url: str, output: str) -> Run:
        if "Non-2xx" in output or "Socket errors" in output:
            raise BenchError(f"{url} answered errors:\n{output}")
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
        latency = {share: float(number) * scale[unit] for share, number, unit in
                   re.findall(r"(\d+)%\s+([\d.]+)(us|ms|s|m)\b", output)}
        return Run(int(re.search(r"(\d+) requests in", output).group(1)),
                   float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
                   latency["50"], latency["99"])


def first_bytes(port: int, path: str, cookie: str, runs: int) -> tuple[Run, float, int]:
    """Time to the body's first byte over ``runs`` sequential requests, each body read
    and dropped: a Run (no requests/s), the median whole download in ms, and its bytes."""
    waits, wholes, size = [], [], 0
    for _ in range(runs):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        try:
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            size = len(response.read(1))
            waits.append((time.perf_counter() - started) * 1000)
            if response.status != 200:
                raise BenchError(f"{path} answered {response.status}")
            while chunk := response.read(1 << 16):
                size += len(chunk)
            wholes.append((time.perf_counter() - started) * 1000)
        finally:
            connection.close()
    return Run(runs, 0.0, statistics.median(waits), p99(waits)), statistics.median(wholes), size
