"""Who fires a trigger: a signed-in user, or the scheduler under a job's name."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    name: str  # the user's e-mail, or "system:<job>"
    role: str
    user_id: int | None = None

    @classmethod
    def of(cls, user) -> "Actor":
        """The actor for a `User` row."""
        return cls(name=user.email, role=user.role, user_id=user.id)

    @classmethod
    def system(cls, job: str) -> "Actor":
        """The scheduler acting as `job`."""
        return cls(name=f"system:{job}", role="system")

    @property
    def is_system(self) -> bool:
        return self.role == "system"
