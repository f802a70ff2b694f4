"""What one sweep did: the counts stored in its SweepRun row and printed by the CLI."""
from __future__ import annotations

from dataclasses import dataclass, field

#: How many failure reasons a summary quotes; the log has them all.
QUOTED_FAILURES = 3


@dataclass
class SweepResult:
    sweep: str
    fired: int = 0
    notified: int = 0
    failed: int = 0
    already: int = 0  # due when queried, but another run (or a person) had moved the case on
    failures: list[str] = field(default_factory=list)
    detail: str = ""  # what the sweep found, for a sweep that checks rather than acts (the history check)

    def fail(self, reference: str, why: str) -> None:
        """Count a case that could not be handled, keeping its reason."""
        self.failed += 1
        self.failures.append(f"{reference}: {why}")

    def add(self, other: SweepResult) -> None:
        """Count what `other` (a part of this sweep, such as a committed batch) did."""
        self.fired += other.fired
        self.notified += other.notified
        self.failed += other.failed
        self.already += other.already
        self.failures.extend(other.failures)

    def summary(self) -> str:
        """One line saying what the sweep did."""
        parts = [f"fired {self.fired}", f"notified {self.notified}", f"failed {self.failed}"]
        if self.already:
            parts.append(f"already done {self.already}")
        line = ", ".join(parts)
        if self.detail:
            line = f"{self.detail}; {line}"
        if self.failures:
            more = len(self.failures) - QUOTED_FAILURES
            line += " (" + "; ".join(self.failures[:QUOTED_FAILURES]) + (f"; and {more} more" if more > 0 else "") + ")"
        return line
