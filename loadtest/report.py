"""Print what the clients saw: per kind of request, requests/s and p50/p95/p99, and the statuses."""
from __future__ import annotations

import statistics


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of `values` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def print_report(recorder, seconds: float) -> None:
    print(f"{'request':18} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  statuses")
    for kind in sorted(recorder.seconds):
        values = recorder.seconds[kind]
        statuses = ", ".join(f"{s}: {n}" for s, n in sorted(recorder.statuses[kind].items()))
        print(f"{kind:18} {len(values):7} {len(values) / seconds:7.1f} {statistics.median(values) * 1000:8.1f} "
              f"{percentile(values, 0.95) * 1000:8.1f} {percentile(values, 0.99) * 1000:8.1f}  {statuses}")
    fired = [s for kind, values in recorder.seconds.items() if kind.startswith(("fire ", "propose", "conflict"))
             for s in values]
    accepted = len(recorder.accepted)
    print(f"transitions accepted: {accepted} ({accepted / seconds:.1f}/s); all transition requests: p50 "
          f"{statistics.median(fired) * 1000 if fired else 0:.1f} ms, p95 {percentile(fired, 0.95) * 1000 if fired else 0:.1f} ms")
