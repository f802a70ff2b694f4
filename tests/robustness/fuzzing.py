"""What the fuzz test sends: every route of `app.url_map`, ids and text for its path, query strings and bodies
made from the fields of the forms its package defines (or the workflow's step forms), and a fingerprint of the
tables to show that a refused request changed nothing."""
from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import io
import json
import pkgutil
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from hypothesis import strategies as st
from sqlalchemy import select
from wtforms import Form
from wtforms.fields import BooleanField, DateField, DecimalField, FileField, IntegerField, SelectField
from wtforms.fields.core import UnboundField

import caseflow
from caseflow.documents.minipdf import text_pdf
from caseflow.extensions import db
from caseflow.workflow import current_workflow

# Routes that serve files from the package, not the application.
NOT_FUZZED = {"static", "bootstrap.static"}
# Columns that record that a request came, not what it asked: an API token's last use is written on any
# authenticated request, refused or not, and a wrong password (at sign-in or when changing one's own) counts
# against the account's limits by design (caseflow/auth/passwords.py).
BOOKKEEPING = {("api_tokens", "last_used_at"), ("users", "failed_sign_ins"), ("users", "sign_in_blocked_until")}
AWKWARD_TEXT = ["", " ", "0", "-1", "1", "007", "1.5", "1e309", "NaN", "-0", str(2**31), str(2**63), str(10**30),
                "2026-02-30", "0001-01-01", "9999-12-31", "y", "on", "true", "null", "\x00", "a\r\nb", "\u202e",
                "é" * 300, "' OR 1=1 --", "<script>", "=HYPERLINK(\"x\")", "../../etc/passwd", "%00", "\ud7ff",
                "CF-000001", "system:*", "officer@example.org"]
QUERY_NAMES = ["page", "per_page", "limit", "offset", "cursor", "state", "q", "sort", "office", "owner", "partner_id",
               "partner_type", "type", "country", "due_before", "due_on", "at", "format", "case_id", "run", "next",
               "seq", "hash", "before", "after", "actor", "trigger", "date_from", "date_to"]
API_BODY_NAMES = ["trigger", "data", "expected_version", "comment", "partner_id", "partner", "kind", "file"]


@dataclass
class Route:
    """One rule and method: what is requested, and the field names its package's forms know."""

    rule: str
    endpoint: str
    method: str
    arguments: dict[str, str]  # name -> converter kind: int, string, path
    fields: dict[str, object] = field(default_factory=dict)  # name -> a plausible-value strategy

    @property
    def api(self) -> bool:
        return self.rule.startswith("/api/")

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


def routes(app) -> list[Route]:
    """Every rule of the app and each of its methods (HEAD and OPTIONS aside), in a stable order."""
    found = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint in NOT_FUZZED:
            continue
        kinds = {name: _converter_kind(conv) for name, conv in rule._converters.items()}
        fields = _fields_for(app.view_functions[rule.endpoint].__module__)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append(Route(rule.rule, rule.endpoint, method, kinds, fields))
    return found


def _converter_kind(converter) -> str:
    if hasattr(converter, "num_convert"):
        return "int"
    return "path" if not getattr(converter, "part_isolating", True) or "/" in converter.regex else "string"


def _fields_for(module: str) -> dict[str, object]:
    """The fields of every form class defined in the view's package, and the workflow's fields for case views."""
    package = module.rsplit(".", 1)[0]
    fields = {}
    for form in _form_classes():
        if form.__module__.startswith(package + ".") or form.__module__ == package:
            for name in dir(form):
                unbound = getattr(form, name, None)
                if isinstance(unbound, UnboundField):
                    fields[name] = _plausible(unbound)
    if package in ("caseflow.cases", "caseflow.api"):
        for specs in current_workflow().definition.forms.values():
            for spec in specs:
                fields.setdefault(spec.name, _plausible_spec(spec))
    return fields


def _form_classes() -> list[type[Form]]:
    for info in pkgutil.walk_packages(caseflow.__path__, "caseflow."):
        if info.name.endswith(("forms", "listing")):
            importlib.import_module(info.name)
    return _subclasses(Form)


def _subclasses(cls) -> list[type]:
    return [sub for direct in cls.__subclasses__() for sub in (direct, *_subclasses(direct))]


def _plausible(unbound: UnboundField):
    kind = unbound.field_class
    if issubclass(kind, FileField):
        return files()
    if issubclass(kind, BooleanField):
        return st.sampled_from(["y", "", "on", "false"])
    if issubclass(kind, DateField):
        return dates()
    if issubclass(kind, (IntegerField, DecimalField)):
        return numbers()
    if issubclass(kind, SelectField):
        choices = unbound.kwargs.get("choices") or {}
        values = list(choices) if isinstance(choices, dict) else [c[0] if isinstance(c, tuple) else c for c in choices]
        return st.sampled_from(values or [""]).map(str) if values else numbers()
    return st.sampled_from(["A partnership", "Register every child.", "admin@example.org", "reviewer", "PCA/1"])


def _plausible_spec(spec):
    match spec.type:
        case "date":
            return dates()
        case "choice":
            return st.sampled_from(list(spec.choices or {"": ""}))
        case "affirm" | "bool":
            return st.sampled_from(["y", ""])
        case "integer" | "decimal" | "partner":
            return numbers()
        case "currency":
            return st.sampled_from(["USD", "EUR", "usd", "XXX", "US"])
    return st.sampled_from(["Done.", "Quarterly review.", "To the ministry."])


def dates():
    """Dates near today and far from it, as the forms write them."""
    return st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)).map(dt.date.isoformat) | st.sampled_from(
        [dt.date.today().isoformat(), (dt.date.today() + dt.timedelta(days=400)).isoformat(), "2026-13-01"])


def numbers():
    """Small numbers, limits and numbers no column holds, as text."""
    return st.integers(-5, 20).map(str) | st.sampled_from(["9000", "10001", str(2**31), str(2**63), "1e400", "0.001"])


def files():
    """A file part: a small PDF, a CSV, or random bytes, under a plausible or hostile name."""
    content = st.sampled_from([text_pdf(["fuzz"]), b"name,type\nA,ngo\n", b"", b"\x00\xff" * 10]) | st.binary(max_size=64)
    name = st.sampled_from(["a.pdf", "a.csv", "a.xlsx", "../a.pdf", "a", "é.PDF", "a.pdf\x00.exe"]) | st.text(max_size=20)
    return st.tuples(content, name).map(lambda pair: (io.BytesIO(pair[0]), pair[1]))


def awkward_text():
    """Text that has broken parsers: limits, control characters, other scripts, markup."""
    return st.sampled_from(AWKWARD_TEXT) | st.text(max_size=40)


def path_value(kind: str, ids: list[int]):
    """A path segment for a converter: existing ids, huge and negative numbers, or text."""
    if kind == "int":
        existing = st.sampled_from(ids).map(str)
        return st.one_of(existing, existing, existing, st.integers(0, 2**80).map(str),
                         st.sampled_from(["-1", "0", str(2**31), str(2**63 - 1), str(2**63), str(2**64), "1.0", "\u0663"]))
    triggers = list(current_workflow().definition.transitions)
    text = st.sampled_from(triggers + ["new", "vet", ""]) | st.text(min_size=1, max_size=20)
    return text if kind == "path" else text.filter(lambda s: "/" not in s)


def build_path(rule: str, values: dict[str, str]) -> str:
    """The rule with each <converter:name> replaced by its value, percent-encoded."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: quote(values[m.group(1)], safe=""), rule)


def form_body(route: Route):
    """A form body: some of the route's fields with plausible or awkward values, perhaps an unknown field."""
    if not route.fields:
        return st.dictionaries(st.sampled_from(QUERY_NAMES) | st.text(max_size=10), awkward_text(), max_size=4)
    chosen = st.fixed_dictionaries({}, optional={name: strategy | awkward_text() for name, strategy in route.fields.items()})
    extra = st.dictionaries(st.text(max_size=10), awkward_text(), max_size=2)
    return st.tuples(chosen, extra).map(lambda pair: {**pair[1], **pair[0]})


def query(route: Route):
    """A query string's arguments: known names (and the route's fields) with awkward values."""
    names = sorted(set(QUERY_NAMES) | set(route.fields))
    return st.dictionaries(st.sampled_from(names) | st.text(max_size=8), awkward_text(), max_size=4)


def json_body(route: Route):
    """An API body: a step's data with plausible values, or any JSON at all."""
    scalars = st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | awkward_text()
    anything = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                            | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
    data = st.dictionaries(st.sampled_from(sorted(route.fields) or ["x"]), scalars | st.sampled_from(["y", "2026-01-01"]),
                           max_size=8)
    step = st.fixed_dictionaries({"trigger": path_value("string", [1]), "data": data},
                                 optional={"expected_version": st.integers(-1, 5) | scalars, "comment": awkward_text()})
    return step | data | st.dictionaries(st.sampled_from(API_BODY_NAMES), anything, max_size=4) | anything


def fingerprint() -> str:
    """A digest of every committed row of every table (bookkeeping columns aside)."""
    digest = hashlib.sha256()
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in BOOKKEEPING]
            rows = conn.execute(select(*columns).order_by(*table.primary_key.columns)).all()
            digest.update(table.name.encode() + json.dumps([list(r) for r in rows], default=str).encode())
    return digest.hexdigest()
