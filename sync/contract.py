"""The data contract: a versioned data file saying, for each local entity, the central model and fields it maps
to, which side owns each field, what a rep may edit offline and how a conflict on it is resolved.

Loading validates everything up front: a missing or invalid entry is a `ContractError` at start-up naming the
entity and field, never a surprise in the middle of a sync. Conversions between central and local values live
here too, so the engine and the store agree on one representation (the local one) when they compare values.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

TYPES = frozenset({"char", "text", "int", "float", "date", "datetime", "money", "consent", "ref", "login"})
RULES = frozenset({"central_wins", "local_wins", "ask"})
OPS = frozenset({"create", "write"})


class ContractError(ValueError):
    """The contract file is missing, malformed or inconsistent; the message names the entry."""


@dataclass(frozen=True)
class FieldSpec:
    name: str                    # local column
    central: str                 # central field, dotted for related reads ("repdesk_rep.login")
    type: str
    ref: str | None = None       # for type "ref": the entity the id points to
    editable: bool = False       # the rep may change it offline (pushed as a write)
    rule: str = "central_wins"   # how a conflict on it is resolved
    optional: bool = False       # a ref that may be missing locally (stored as NULL)
    push: bool = True            # sent on create
    fallback: str | None = None  # central field read when `central` is empty (e.g. a draft sale has no date)

    @property
    def head(self) -> str:
        """The central field to read/write for this spec (the first part of a dotted path)."""
        return self.central.split(".", 1)[0]


@dataclass(frozen=True)
class EntitySpec:
    name: str
    table: str
    model: str
    fields: dict[str, FieldSpec]
    domain: list = field(default_factory=list)
    client_id: str | None = None   # the central field carrying our client-generated id
    pull: bool = True
    push: frozenset[str] = frozenset({"write"})
    owner: str = ""
    active: bool = False           # the model has an `active` flag
    view: str = ""                 # local view that push values are read from (default: the table)

    @property
    def editable(self) -> dict[str, FieldSpec]:
        return {n: f for n, f in self.fields.items() if f.editable}

    def read_fields(self) -> list[str]:
        names = {f.central for f in self.fields.values()} | {f.fallback for f in self.fields.values() if f.fallback}
        names |= {"id", "last_modified_at"}
        if self.client_id:
            names.add(self.client_id)
        if self.active:
            names.add("active")
        return sorted(names)


@dataclass(frozen=True)
class Contract:
    version: str
    system: str
    entities: dict[str, EntitySpec]
    stock_model: str | None
    path: str

    def entity(self, name: str) -> EntitySpec:
        try:
            return self.entities[name]
        except KeyError:
            raise ContractError(f"the contract has no entity {name!r}") from None

    def pull_order(self) -> list[EntitySpec]:
        """Entities in an order where every ref points to an entity pulled before it."""
        done: list[str] = []
        pending = [e for e in self.entities.values() if e.pull]
        while pending:
            for e in pending:
                deps = {f.ref for f in e.fields.values() if f.type == "ref" and f.ref != e.name}
                if deps <= set(done) | {d for d in deps if not self.entities[d].pull}:
                    done.append(e.name)
                    pending.remove(e)
                    break
            else:  # pragma: no cover - load() rejects cycles
                raise ContractError("the contract's references form a cycle")
        return [self.entities[n] for n in done]


def default_contract_path() -> Path:
    return Path(str(resources.files("sync").joinpath("contract.json")))


def load(path: Path | str | None = None) -> Contract:
    path = Path(path) if path is not None else default_contract_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContractError(f"the data contract {path} is missing") from None
    except (OSError, ValueError) as exc:
        raise ContractError(f"the data contract {path} cannot be read: {exc}") from None
    return parse(raw, str(path))


def parse(raw: Any, where: str = "<contract>") -> Contract:
    if not isinstance(raw, dict) or raw.get("format") != 1:
        raise ContractError(f"{where}: not a RepDesk data contract (format 1)")
    version = raw.get("version")
    if not isinstance(version, str) or not version:
        raise ContractError(f"{where}: the contract needs a version")
    entities_raw = raw.get("entities")
    if not isinstance(entities_raw, dict) or not entities_raw:
        raise ContractError(f"{where}: no entities")
    entities: dict[str, EntitySpec] = {}
    for name, spec in entities_raw.items():
        entities[name] = _entity(name, spec, where)
    for e in entities.values():
        for f in e.fields.values():
            if f.type == "ref" and f.ref not in entities:
                raise ContractError(f"{where}: {e.name}.{f.name} refers to unknown entity {f.ref!r}")
    contract = Contract(version, str(raw.get("system", "")), entities,
                        (raw.get("stock") or {}).get("model"), where)
    _check_cycles(contract, where)
    return contract


def _entity(name: str, spec: Any, where: str) -> EntitySpec:
    if not isinstance(spec, dict):
        raise ContractError(f"{where}: entity {name!r} must be an object")
    for key in ("table", "model", "fields"):
        if not spec.get(key):
            raise ContractError(f"{where}: entity {name!r} has no {key!r}")
    if not isinstance(spec["fields"], dict):
        raise ContractError(f"{where}: {name}.fields must be an object")
    push = spec.get("push", ["write"])
    if not isinstance(push, list) or not set(push) <= OPS:
        raise ContractError(f"{where}: {name}.push must list operations out of {sorted(OPS)}")
    if "create" in push and not spec.get("client_id"):
        raise ContractError(f"{where}: {name} is created by reps but has no client_id field for exactly-once")
    domain = spec.get("domain", [])
    if not isinstance(domain, list):
        raise ContractError(f"{where}: {name}.domain must be a list")
    fields: dict[str, FieldSpec] = {}
    for fname, f in spec["fields"].items():
        if not isinstance(f, dict) or not isinstance(f.get("central"), str) or not f["central"]:
            raise ContractError(f"{where}: {name}.{fname} needs a 'central' field name")
        ftype = f.get("type", "char")
        if ftype not in TYPES:
            raise ContractError(f"{where}: {name}.{fname} has unknown type {ftype!r}")
        rule = f.get("rule", "central_wins")
        if rule not in RULES:
            raise ContractError(f"{where}: {name}.{fname} has unknown conflict rule {rule!r}")
        editable = bool(f.get("editable", False))
        if editable and "." in f["central"]:
            raise ContractError(f"{where}: {name}.{fname} is editable but maps to a related field")
        if ftype == "ref" and not f.get("ref"):
            raise ContractError(f"{where}: {name}.{fname} is a ref without 'ref'")
        fields[fname] = FieldSpec(fname, f["central"], ftype, f.get("ref"), editable, rule,
                                  bool(f.get("optional", False)), bool(f.get("push", True)), f.get("fallback"))
    return EntitySpec(name, spec["table"], spec["model"], fields, domain, spec.get("client_id"),
                      bool(spec.get("pull", True)), frozenset(push), str(spec.get("owner", "")),
                      bool(spec.get("active", False)), str(spec.get("view", "")))


def _check_cycles(contract: Contract, where: str) -> None:
    graph = {e.name: {f.ref for f in e.fields.values() if f.type == "ref" and f.ref != e.name}
             for e in contract.entities.values()}
    state: dict[str, int] = {}

    def visit(n: str) -> None:
        if state.get(n) == 1:
            raise ContractError(f"{where}: the references through {n!r} form a cycle")
        if state.get(n) == 2:
            return
        state[n] = 1
        for m in graph[n]:
            visit(m)
        state[n] = 2

    for n in graph:
        visit(n)


# -- values --------------------------------------------------------------------------------------------------

def read_path(record: dict, path: str) -> Any:
    """A dotted field from a Tryton search_read record: related values come back under "<field>." keys, as a
    dict (many2one) or a list of dicts (x2many: the first one counts)."""
    head, _, rest = path.partition(".")
    if not rest:
        value = record.get(head)
        if isinstance(value, list):          # an x2many read as ids: the first one
            return value[0] if value else None
        return value
    sub = record.get(head + ".")
    if isinstance(sub, list):
        sub = sub[0] if sub else None
    if not isinstance(sub, dict):
        return None
    return read_path(sub, rest)


def to_local(spec: FieldSpec, value: Any) -> Any:
    """A central value in the local representation (refs stay central ids; the store maps them)."""
    if value is None or value is False and spec.type not in ("int", "float", "consent"):
        return None if spec.type in ("date", "datetime", "ref", "consent", "money") else (
            "" if spec.type in ("char", "text", "login") else None)
    t = spec.type
    if t in ("char", "text", "login"):
        return str(value)
    if t == "int":
        return int(value)
    if t == "float":
        return float(value)
    if t == "money":
        try:
            return int((Decimal(str(value)) * 100).to_integral_value())
        except InvalidOperation:
            return None
    if t == "date":
        return value.isoformat()[:10] if isinstance(value, _dt.date) else str(value)[:10]
    if t == "datetime":
        if isinstance(value, _dt.datetime):
            return value.replace(microsecond=0).isoformat() + "Z" if value.tzinfo is None else \
                value.astimezone(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        return str(value)
    if t == "consent":
        return {"in": 1, "out": 0}.get(str(value)) if value not in (None, "") else None
    if t == "ref":
        return int(value) if value else None
    raise ContractError(f"unknown type {t!r}")  # pragma: no cover - rejected on load


def to_central(spec: FieldSpec, value: Any) -> Any:
    """A local value as the central system takes it (refs must already be central ids)."""
    t = spec.type
    if value is None:
        return None
    if t in ("char", "text", "login"):
        return str(value)
    if t == "int":
        return int(value)
    if t == "float":
        return float(value)
    if t == "money":
        return Decimal(int(value)) / 100
    if t == "date":
        return _dt.date.fromisoformat(str(value)[:10])
    if t == "datetime":
        text = str(value).replace("Z", "+00:00")
        moment = _dt.datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            moment = moment.astimezone(_dt.UTC).replace(tzinfo=None)
        return moment
    if t == "consent":
        return {1: "in", 0: "out"}.get(int(value)) if isinstance(value, (bool, int)) else None
    if t == "ref":
        return int(value)
    raise ContractError(f"unknown type {t!r}")  # pragma: no cover


def same(spec: FieldSpec, a: Any, b: Any) -> bool:
    """Equality in the local representation ("" and NULL are the same text; money in cents)."""
    if spec.type in ("char", "text", "login"):
        return (a or "") == (b or "")
    if spec.type == "float" and a is not None and b is not None:
        return abs(float(a) - float(b)) < 1e-9
    return a == b
