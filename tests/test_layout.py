"""The code stays easy to enter: no module of the app, the benchmarks or the load run over 250 lines."""
from __future__ import annotations

from caseflow import ROOT

MOST_LINES = 250


def test_no_module_is_over_250_lines():
    modules = [p for folder in ("caseflow", "bench", "loadtest") for p in (ROOT / folder).rglob("*.py")]
    too_long = {str(p.relative_to(ROOT)): n for p in modules if (n := len(p.read_text().splitlines())) > MOST_LINES}
    assert modules and too_long == {}
