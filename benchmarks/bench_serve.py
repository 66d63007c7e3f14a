"""kipolicy serve under load, side by side with the library, on loopback only.

Each round measures, interleaved:

- the library: ``kipolicy.assess`` of the bundled examples in one fresh process, for a fixed CPU
  time (thread CPU time), giving assessments per second;
- the service with 1, 2, ... workers (``kipolicy serve --workers N`` on 127.0.0.1): a bounded
  number of requests (``--requests``) from ``--clients`` concurrent clients, each a keep-alive
  connection, the requests spread over the bundled examples. Every answer is compared, byte for
  byte, with the library's JSON for the same question: a single difference fails the run.

It reports, per variant, the median and the spread (min–max) over the rounds of throughput
(requests or assessments per second) and of p95 latency, the ratio of each worker's throughput
to the library's, and the machine. ``--json`` also prints the figures as JSON.

Usage: python benchmarks/bench_serve.py [--rounds 3] [--requests 2000] [--clients 8] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from common import ROOT, machine, spread

import kipolicy
from kipolicy._tools import contract

AS_OF = "2026-01-01"


def _examples() -> list[Path]:
    return sorted((ROOT / "examples").rglob("*.toml"))


def _questions() -> list[tuple[bytes, bytes]]:
    """Each request body with the answer the library gives to it (both as bytes)."""
    out = []
    for path in _examples():
        document = json.loads(json.dumps(kipolicy.to_document(kipolicy.load_partnership(path)), default=str))
        report = kipolicy.assess(path, as_of=AS_OF)
        expected = contract.dump_compact(contract.assessment([report], report.as_of, report.interpretations)).encode("utf-8")
        out.append((json.dumps({"document": document, "as_of": AS_OF}).encode("utf-8"), expected))
    return out


LIBRARY = """
import json, sys, time
sys.path.insert(0, {root!r})
import kipolicy
from kipolicy._tools import contract
paths = {paths!r}
partnerships = [kipolicy.load_partnership(p) for p in paths]
documents = [json.loads(json.dumps(kipolicy.to_document(p), default=str)) for p in partnerships]

def assess_only():
    for p in partnerships:
        kipolicy.assess(p, as_of={as_of!r})

def full_path():  # what one request asks of the service: a document in, the JSON answer out
    for d in documents:
        r = kipolicy.assess(d, as_of={as_of!r})
        contract.dump_compact(contract.assessment([r], r.as_of, r.interpretations)).encode("utf-8")

out = {{}}
for name, work in (("assess", assess_only), ("full", full_path)):
    work()  # warm up: compile, caches
    done, start = 0, time.thread_time()
    while time.thread_time() - start < {seconds}:
        work()
        done += len(partnerships)
    out[name] = done / (time.thread_time() - start)
print(json.dumps(out))
"""


def library_rate(seconds: float) -> dict[str, float]:
    """Assessments per second of CPU time in a fresh process: ``assess`` alone, and ``full``:
    the document read, assessed and answered as JSON, which is what a request asks for."""
    code = LIBRARY.format(root=str(ROOT), paths=[str(p) for p in _examples()], as_of=AS_OF, seconds=seconds)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return {k: float(v) for k, v in json.loads(result.stdout.strip().splitlines()[-1]).items()}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kipolicy._tools.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/rules", timeout=1).read()
            break
        except OSError:
            if process.poll() is not None:
                raise SystemExit("kipolicy serve ended before it answered") from None
            time.sleep(0.1)
    else:
        process.kill()
        raise SystemExit("kipolicy serve did not answer within 60 s")
    # Warm every worker: each compiles its rules on its first request.
    body, _ = _questions_cache[0]
    for _ in range(workers * 4):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/v1/assess", body, {"content-type": "application/json"})
        connection.getresponse().read()
        connection.close()
    return process, port


_questions_cache: list[tuple[bytes, bytes]] = []


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, family = 0.0, {pid}
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    changed = True
    while changed:
        changed = False
        for child, (parent, _) in stats.items():
            if parent in family and child not in family:
                family.add(child)
                changed = True
    for member in family:
        if member in stats:
            total += stats[member][1] / ticks
    return total


def load(port: int, requests: int, clients: int, questions: list[tuple[bytes, bytes]], limit: float) -> dict[str, float]:
    """``requests`` requests from ``clients`` threads; every answer checked. Bounded by ``limit`` s."""
    latencies: list[float] = []
    wrong: list[str] = []
    counter = iter(range(requests))
    lock = threading.Lock()
    deadline = time.monotonic() + limit

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.monotonic() < deadline:
                with lock:
                    index = next(counter, None)
                if index is None:
                    return
                body, expected = questions[index % len(questions)]
                start = time.perf_counter()
                connection.request("POST", "/v1/assess", body, {"content-type": "application/json"})
                response = connection.getresponse()
                answer = response.read()
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    if response.status != 200 or answer != expected:
                        wrong.append(f"request {index}: status {response.status}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    if wrong:
        raise SystemExit(f"{len(wrong)} answers differ from the library's, e.g. {wrong[0]}")
    if len(latencies) < requests:
        raise SystemExit(f"only {len(latencies)} of {requests} requests answered within {limit:g} s")
    ordered = sorted(latencies)
    return {
        "rate": len(latencies) / wall,
        "p50_ms": statistics.median(ordered) * 1e3,
        "p95_ms": ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1e3,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--seconds", type=float, default=3.0, help="CPU seconds of each library measurement")
    parser.add_argument("--limit", type=float, default=120.0, help="the longest one load may take, in seconds")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args()

    _questions_cache[:] = _questions()
    results: dict[str, list[dict[str, float]]] = {"library": []}
    for workers in args.workers:
        results[f"serve --workers {workers}"] = []
    for _ in range(args.rounds):
        results["library"].append(library_rate(args.seconds))
        for workers in args.workers:
            process, port = start_server(workers)
            try:
                before = tree_cpu(process.pid)
                measured = load(port, args.requests, args.clients, _questions_cache, args.limit)
                measured["cpu_ms"] = (tree_cpu(process.pid) - before) / args.requests * 1e3
                results[f"serve --workers {workers}"].append(measured)
            finally:
                process.terminate()
                process.wait(timeout=30)

    assess_rate = statistics.median(r["assess"] for r in results["library"])
    full_rate = statistics.median(r["full"] for r in results["library"])
    print(f"kipolicy serve vs the library, {machine()}")
    print(f"{args.rounds} rounds, interleaved; {args.requests} requests from {args.clients} concurrent clients on loopback, "
          f"over {len(_questions_cache)} bundled examples; every answer equal to the library's")
    head = "per worker / library: assess, full path; per server CPU second / full path"
    print(f"{'variant':<30} {'per second, median (min–max)':<30} {'p95 ms, median (min–max)':<26} {head}")
    print(f"{'library: assess':<30} {spread([r['assess'] for r in results['library']]):<30} {'—':<26}")
    print(f"{'library: document to JSON':<30} {spread([r['full'] for r in results['library']]):<30} {'—':<26}")
    summary: dict[str, object] = {"machine": machine(), "library_assess_rate": assess_rate,
                                  "library_full_rate": full_rate, "variants": {}}
    for workers in args.workers:
        name = f"serve --workers {workers}"
        rates = [r["rate"] for r in results[name]]
        p95 = [r["p95_ms"] for r in results[name]]
        per_worker = statistics.median(rates) / workers
        cpu_ms = statistics.median(r["cpu_ms"] for r in results[name])
        per_cpu = 1e3 / cpu_ms
        print(f"{name:<30} {spread(rates):<30} {spread(p95, 1):<26} {per_worker / assess_rate:.2f}, "
              f"{per_worker / full_rate:.2f}; {per_cpu / full_rate:.2f} ({cpu_ms:.2f} ms CPU a request)")
        summary["variants"][name] = {"rates": rates, "p95_ms": p95, "server_cpu_ms_per_request": cpu_ms,  # type: ignore[index]
                                     "per_worker_vs_assess": per_worker / assess_rate,
                                     "per_worker_vs_full_path": per_worker / full_rate,
                                     "per_server_cpu_second_vs_full_path": per_cpu / full_rate}
    print("library: CPU time of one process; service: requests answered per second of wall time, the clients on the "
          "same machine")
    if args.json:
        print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
