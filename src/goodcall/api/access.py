"""Who may do what: three roles, and the one table of what each may do.

* agent — makes the calls: decides for the customer on the line, reads profiles and briefs,
  records outcomes and do-not-call requests;
* analyst — campaigns, reports, explanations: decides and reads, runs campaigns, never records
  an outcome;
* admin — users and keys, the service's metrics, the campaigns' reports (aggregates), the access
  log (who read which customer; not what they read); reads no
  customer (the access log and the principle of least privilege: whoever runs the service need
  not read profiles).

An agent reads only the customers of their own queue (:mod:`goodcall.api.queue`).

A do-not-call request is taken by anyone who receives it: the law gives no one a reason not to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["agent", "analyst", "admin"]
ROLES: tuple[Role, ...] = ("agent", "analyst", "admin")
Permission = Literal[
    "decide",
    "read_customer",
    "record_outcome",
    "do_not_call",
    "metrics",
    "users",
    "read_campaigns",
    "run_campaign",
    "queue",
    "audit",
]

PERMISSIONS: dict[Permission, frozenset[Role]] = {
    "decide": frozenset({"agent", "analyst"}),
    "read_customer": frozenset({"agent", "analyst"}),
    "record_outcome": frozenset({"agent"}),
    "do_not_call": frozenset({"agent", "analyst", "admin"}),
    "metrics": frozenset({"analyst", "admin"}),
    "users": frozenset({"admin"}),
    "read_campaigns": frozenset({"analyst", "admin"}),
    "run_campaign": frozenset({"analyst"}),
    "queue": frozenset({"agent"}),
    "audit": frozenset({"admin"}),
}
UI_LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Principal:
    """The user a request is made for."""

    user_id: str
    role: Role
    display_name: str
    languages: tuple[str, ...]  # the languages the user serves customers in (fr, en, fr-CA…)
    ui_language: Literal["fr", "en"]

    def may(self, permission: Permission) -> bool:
        return self.role in PERMISSIONS[permission]
