"""The headless command line: `repdesk <command> ...` (the bare `repdesk` opens the window, see ui.app).

Every failure a user can cause prints one line to stderr and exits non-zero; tracebacks go to the log file only.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import logging
import os
import platform
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

from . import __version__, logs, paths
from .errors import InvalidInput, RepDeskError, WorkspaceExists
from .secrets import KeyStore
from .services.accounts import AccountService
from .store import SCHEMA_VERSION, is_encrypted
from .store import messages as messages_repo
from .workspace import DB_NAME, Workspace, WorkspaceInfo

log = logging.getLogger(__name__)

COMMANDS = ("demo", "search", "account", "messages", "doctor", "eval-intents", "suggest", "models", "feedback",
            "connect", "sync", "conflicts", "edit", "verify")
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2 (argparse prints usage too; keep it short)
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    pass


def is_cli(argv: Sequence[str]) -> bool:
    """True when argv asks for a headless command (so the caller must not import Qt)."""
    return any(arg in COMMANDS or arg in ("-h", "--help", "--version") for arg in argv)


def _workspace_arg(parser: argparse.ArgumentParser, default: object = None) -> None:
    parser.add_argument(
        "--workspace", type=Path, default=default, metavar="PATH",
        help="workspace folder (default: $REPDESK_WORKSPACE or the user's data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    _workspace_arg(common, argparse.SUPPRESS)
    parser = _Parser(prog="repdesk", description="RepDesk: offline-first assistant for field sales reps.")
    parser.add_argument("--version", action="version", version=f"repdesk {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation (store, models, one suggestion, one offscreen window paint) "
                             "on a throwaway workspace; prints one line, exits 0 or 1. With --platform xcb "
                             "(or wayland) it paints on the real display instead")
    _workspace_arg(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("demo", parents=[common], help="create a demo workspace (bilingual book of business)")
    p.add_argument("--accounts", type=int, default=None, help="number of accounts (default 320; up to 100000+)")
    p.add_argument("--seed", type=int, default=None, help="random seed (same seed, same data)")
    p.add_argument("--path", type=Path, default=None, help="where to create it (default: --workspace)")
    p.add_argument("--force", action="store_true", help="replace an existing *demo* workspace at that path")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("search", parents=[common], help="search accounts and contacts (substring, Chinese too)")
    p.add_argument("text")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("account", parents=[common], help="account commands")
    asub = p.add_subparsers(dest="account_command", metavar="ACTION", required=True)
    ps = asub.add_parser("show", parents=[common], help="show one account (by id or customer code)")
    ps.add_argument("id")
    ps.add_argument("--json", action="store_true")
    ps.set_defaults(func=cmd_account_show)

    p = sub.add_parser("messages", parents=[common], help="inbound message commands")
    msub = p.add_subparsers(dest="messages_command", metavar="ACTION", required=True)
    pl = msub.add_parser("list", parents=[common], help="list inbound messages, newest first")
    pl.add_argument("--limit", type=int, default=30)
    pl.add_argument("--status", choices=("new", "read", "done", "archived"))
    pl.add_argument("--json", action="store_true")
    pl.set_defaults(func=cmd_messages_list)

    p = sub.add_parser("eval-intents", help="measure the intent recogniser on labelled messages (no workspace)")
    p.add_argument("--examples", type=Path, required=True, metavar="FEW.jsonl",
                   help='few-shot examples, one {"text", "label"} per line; they alone define the taxonomy')
    p.add_argument("--test", type=Path, required=True, metavar="TEST.jsonl", help="labelled messages to judge")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_eval_intents)

    p = sub.add_parser("suggest", parents=[common], help="intent, next-best actions and evidence for a message")
    p.add_argument("text", help="the customer's message (use - to read it from standard input)")
    p.add_argument("--account", metavar="ID", help="account id or customer code the message came from")
    p.add_argument("--draft", action="store_true", help="also draft a reply with the active local model")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_suggest)

    p = sub.add_parser("models", parents=[common], help="local models: list, add, use, verify")
    msub2 = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    pm = msub2.add_parser("list", parents=[common], help="models registered on this machine")
    pm.add_argument("--json", action="store_true")
    pm.set_defaults(func=cmd_models_list)
    pm = msub2.add_parser("add", parents=[common], help="register a GGUF file (hashed and checked)")
    pm.add_argument("path", type=Path)
    pm.add_argument("--licence", default="", help="licence note to keep with it")
    pm.set_defaults(func=cmd_models_add)
    pm = msub2.add_parser("use", parents=[common], help="make a model the active one for drafts")
    pm.add_argument("id")
    pm.set_defaults(func=cmd_models_use)
    pm = msub2.add_parser("verify", parents=[common], help="re-hash model files (all, or one id)")
    pm.add_argument("id", nargs="?")
    pm.set_defaults(func=cmd_models_verify)

    p = sub.add_parser("feedback", parents=[common], help="suggestion feedback")
    fsub = p.add_subparsers(dest="feedback_command", metavar="ACTION", required=True)
    pf = fsub.add_parser("export", parents=[common], help="export feedback for fine-tuning (JSONL) and review (CSV)")
    pf.add_argument("--format", choices=("jsonl",), default="jsonl")
    pf.add_argument("--out", type=Path, default=Path("."), help="folder to write into (default: here)")
    pf.set_defaults(func=cmd_feedback_export)
    pf = fsub.add_parser("give", parents=[common], help="record feedback on a suggestion")
    pf.add_argument("suggestion_id", type=int)
    pf.add_argument("verdict", choices=("accept", "reject", "edit"))
    pf.add_argument("--reason", choices=("wrong_intent", "wrong_action", "bad_timing", "other"), default="")
    pf.add_argument("--reason-text", default="")
    pf.add_argument("--intent", default="", help="the right intent (teaches the recogniser at once)")
    pf.add_argument("--text", default="", help="the edited reply")
    pf.set_defaults(func=cmd_feedback_give)

    p = sub.add_parser("connect", parents=[common], help="connect the workspace to a central system")
    csub = p.add_subparsers(dest="connect_kind", metavar="SYSTEM", required=True)
    pc = csub.add_parser("tryton", parents=[common], help="a Tryton server (JSON-RPC)")
    pc.add_argument("--url", help="server address, e.g. http://127.0.0.1:8000/ (default: IT's policy)")
    pc.add_argument("--database", help="database name (default: IT's policy)")
    pc.add_argument("--user", help="your user name on the central system (default: IT's policy)")
    pc.set_defaults(func=cmd_connect)

    p = sub.add_parser("sync", parents=[common], help="sync with the central system (or: sync status)")
    p.add_argument("what", nargs="?", choices=("status",), help="status: show the last sync and what is queued")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_sync)

    p = sub.add_parser("conflicts", parents=[common], help="sync conflicts the rep decides")
    ksub = p.add_subparsers(dest="conflicts_command", metavar="ACTION", required=True)
    pk = ksub.add_parser("list", parents=[common], help="open conflicts (--all: resolved ones too)")
    pk.add_argument("--all", action="store_true")
    pk.add_argument("--json", action="store_true")
    pk.set_defaults(func=cmd_conflicts_list)
    pk = ksub.add_parser("resolve", parents=[common], help="keep the local or the central value")
    pk.add_argument("id", type=int)
    pk.add_argument("--keep", required=True, choices=("local", "central"))
    pk.set_defaults(func=cmd_conflicts_resolve)

    p = sub.add_parser("edit", parents=[common], help="edit a rep-editable field offline (queued for sync)")
    p.add_argument("entity", choices=("opportunity", "contact", "account"))
    p.add_argument("id", type=int)
    p.add_argument("changes", nargs="+", metavar="FIELD=VALUE")
    p.set_defaults(func=cmd_edit)

    p = sub.add_parser("verify", help="check a release artefact against its signed SHA256SUMS (for IT)")
    p.add_argument("artefact", type=Path, help="a .tar.gz / .deb (SHA256SUMS and SHA256SUMS.sig beside it), or a "
                                               "release folder (checks every listed file)")
    p.add_argument("--key", type=Path, default=None, metavar="PUBLIC_KEY",
                   help="trust this Ed25519 public key (PEM) instead of IT's policy or the key pinned in this build")
    p.add_argument("--sums", type=Path, default=None, help="the checksum list (default: SHA256SUMS beside it)")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("doctor", parents=[common], help="check this installation and the workspace")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_doctor)
    return parser


def _workspace_path(args: argparse.Namespace) -> Path:
    path = getattr(args, "workspace", None)
    return Path(path).expanduser() if path else paths.default_workspace()


def _open(args: argparse.Namespace) -> Workspace:
    return Workspace.open(_workspace_path(args), KeyStore())


def _print_json(data: object) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _money(cents: int) -> str:
    return f"¥{cents / 100:,.2f}"


# -- commands -----------------------------------------------------------------------------------------
def cmd_demo(args: argparse.Namespace) -> int:
    from . import demo

    target = (args.path or _workspace_path(args)).expanduser()
    accounts = demo.DEFAULT_ACCOUNTS if args.accounts is None else args.accounts
    if accounts < 1 or accounts > 1_000_000:
        raise InvalidInput("--accounts must be between 1 and 1,000,000")
    keys = KeyStore()
    if Workspace.exists(target):
        info = WorkspaceInfo.load(target)
        if not args.force:
            raise WorkspaceExists(f"a workspace already exists at {target}; use --force to replace a demo workspace")
        if info.kind != "demo":
            raise WorkspaceExists(f"the workspace at {target} holds real ({info.kind}) data; refusing to replace it")
        _remove_workspace(target, info, keys)
    show = sys.stderr.isatty()

    def progress(phase: str, done: int, total: int) -> None:
        if show:
            print(f"\r  {phase}: {done}/{total}   ", end="", file=sys.stderr, flush=True)

    ws = Workspace.create(target, keys, kind="demo")
    try:
        # dated from today so the demo always looks current; same seed + same day = same data
        summary = demo.generate(ws.store.conn, accounts=accounts, today=_dt.date.today(),
                                seed=demo.DEFAULT_SEED if args.seed is None else args.seed, progress=progress)
    except BaseException:
        ws.close()
        _remove_workspace(target, ws.info, keys)
        raise
    ws.info.settings["demo"] = {"accounts": accounts, "seed": args.seed, "date": _dt.date.today().isoformat()}
    ws.save_info()
    ws.close()
    if show:
        print(file=sys.stderr)
    size = (target / DB_NAME).stat().st_size
    print(f"Demo workspace created at {target}")
    print(f"  {summary.accounts} accounts, {summary.contacts} contacts, {summary.products} products, "
          f"{summary.orders} orders ({summary.order_lines} lines), {summary.opportunities} opportunities, "
          f"{summary.messages} messages")
    print(f"  {summary.seconds:.1f} s, database {size / 1e6:.1f} MB (encrypted), key in the "
          f"{ws.key_location.describe()}")
    return 0


def _remove_workspace(target: Path, info: WorkspaceInfo, keys: KeyStore) -> None:
    for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", "workspace.json"):
        (target / name).unlink(missing_ok=True)
    shutil.rmtree(target / "backups", ignore_errors=True)
    keys.delete(info.id)


def cmd_search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise InvalidInput("--limit must be at least 1")
    with _open(args) as ws:
        hits = AccountService(ws.store).search(args.text, args.limit)
    if args.json:
        _print_json([asdict(h) for h in hits])
        return 0
    if not hits:
        print(f"No account or contact matches {args.text!r}.")
        return 0
    for h in hits:
        kind = "account" if h.entity == "account" else "contact"
        print(f"{kind:8} {h.entity_id:>7}  {h.name}  {h.alt_name}  {h.phone}  {h.email}  (account {h.account_id})")
    return 0


def cmd_account_show(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        svc = AccountService(ws.store)
        view = svc.account_360(svc.resolve(args.id).id)
    if args.json:
        _print_json(asdict(view))
        return 0
    a = view.account
    print(f"{a.name_zh}  /  {a.name_en}")
    print(f"  id {a.id}  code {a.code}  credit code {a.credit_code or '-'}  tier {a.tier}  owner {a.owner or '-'}")
    print(f"  {a.region}, {a.city}  ·  {a.industry}  ·  {a.phone or '-'}  ·  {a.email or '-'}")
    if a.next_follow_up:
        print(f"  next follow-up {a.next_follow_up}")
    print(f"  orders: {view.order_count}, last {view.last_order_date or '-'}, "
          f"12-month revenue {_money(view.revenue_cents_12m)}")
    print(f"Contacts ({len(view.contacts)}):")
    for c in view.contacts:
        consent = ", ".join(k for k, v in c.consent.items() if v) or "no consent recorded"
        print(f"  {c.name} ({c.name_latin}) {c.title}  {c.phone}  {c.email}  [{consent}]")
    print(f"Open opportunities ({len(view.opportunities)}):")
    for o in view.opportunities:
        print(f"  {o.title}  {o.stage}  {_money(o.amount_cents)}  {o.probability}%  close {o.expected_close or '-'}")
    print("Recent orders:")
    for o in view.recent_orders[:5]:
        print(f"  {o.number}  {o.order_date}  {o.state}  {_money(o.total_cents)}  ({o.lines} lines)")
    if view.promotions:
        print(f"Competitor promotions in {a.region}:")
        for p in view.promotions:
            print(f"  {p.competitor}: {p.title} (-{p.discount_pct:g}%, until {p.ends_on})")
    return 0


def cmd_messages_list(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise InvalidInput("--limit must be at least 1")
    with _open(args) as ws:
        items = messages_repo.recent(ws.store.conn, args.limit, args.status)
    if args.json:
        _print_json([asdict(m) for m in items])
        return 0
    for m in items:
        text = " ".join((m.subject + " " + m.body if m.subject else m.body).split())
        who = m.account_name or m.sender
        print(f"{m.id:>5}  {m.received_at[:16].replace('T', ' ')}  {m.channel:6} {m.language or '--':2}  "
              f"{m.status:4}  {who[:24]:24}  {text[:70]}")
    return 0


def _model_error(exc: Exception) -> RepDeskError:
    from .assistant_wiring import ModelProblem

    return ModelProblem(str(exc))


def cmd_suggest(args: argparse.Namespace) -> int:
    from .assistant_wiring import open_assistant

    text = sys.stdin.read() if args.text == "-" else args.text
    with _open(args) as ws:
        account_id = AccountService(ws.store).resolve(args.account).id if args.account else None
        with open_assistant(ws.store, with_llm=args.draft) as assistant:
            result = assistant.suggest(text, account_id=account_id)
            draft = ""
            check = None
            if args.draft:
                if assistant.model is None:
                    raise InvalidInput("no local language model is active (see `repdesk models list`)")
                draft = assistant.draft(result, on_piece=None if args.json else
                                        lambda piece: print(piece, end="", file=sys.stderr, flush=True))
                check = assistant.check_draft(result, draft)
                if not args.json:
                    print(file=sys.stderr)
                    if check.unsupported:
                        print(f"  check before sending: not backed by the facts: {', '.join(check.unsupported)}",
                              file=sys.stderr)
                    if not check.language_ok:
                        print(f"  check before sending: the draft is not in the customer's language "
                              f"({check.language})", file=sys.stderr)
    r = result.recognition
    lang = result.language
    if args.json:
        _print_json({
            "request_id": result.request_id, "language": lang, "account_id": result.account_id,
            "intent": r.label, "confidence": round(r.confidence, 4), "abstained": r.abstained,
            "alternatives": [{"intent": lab, "p": round(p, 4)} for lab, p in r.alternatives],
            "similar_examples": [asdict(e) for e in r.evidence],
            "actions": [{"suggestion_id": p.suggestion_id, "rank": p.rank, "action": p.action.action,
                         "title": p.action.title(lang), "score": round(p.action.score, 3),
                         "channel": p.action.channel,
                         "evidence": [{"text": ev.render(lang), "source": ev.source, "record": ev.record,
                                       "as_of": ev.as_of} for ev in p.action.evidence]}
                        for p in result.actions],
            "draft": draft, "latency_ms": round(result.latency_ms, 1),
            "draft_check": ({"unsupported": check.unsupported, "language_ok": check.language_ok}
                            if args.draft else None),
        })
        return 0
    label = r.label or "needs review"
    print(f"intent: {label}  ({r.confidence * 100:.0f} %{', abstained' if r.abstained else ''})  "
          f"alternatives: {', '.join(f'{lab} {p * 100:.0f}%' for lab, p in r.alternatives[1:])}")
    print(f"  because it resembles: {r.evidence[0].text!r} ({r.evidence[0].label})" if r.evidence else "")
    for p in result.actions:
        channel = f" via {p.action.channel}" if p.action.channel else ""
        print(f"{p.rank}. {p.action.title(lang)}{channel}   [score {p.action.score:.2f}, suggestion {p.suggestion_id}]")
        for ev in p.action.evidence:
            print(f"     - {ev.render(lang)}")
    print(f"({result.latency_ms:.0f} ms; feedback: repdesk feedback give ID accept|reject|edit)")
    return 0


def cmd_models_list(args: argparse.Namespace) -> int:
    from .assistant_wiring import registry

    reg = registry()
    entries = reg.entries()
    if args.json:
        _print_json({"active": reg.active_id, "models": [asdict(e) for e in entries]})
        return 0
    if not entries:
        print("No models registered. Install the bundled one (make models) or `repdesk models add FILE.gguf`.")
    for e in entries:
        mark = "*" if e.id == reg.active_id else " "
        print(f"{mark} {e.id}\n    {e.describe()}\n    {e.role}, {e.source}, sha256 {e.sha256[:16]}…, {e.path}")
    return 0


def cmd_models_add(args: argparse.Namespace) -> int:
    from local_models.registry import ModelError

    from .assistant_wiring import registry

    try:
        entry = registry().add(args.path, licence_note=args.licence)
    except ModelError as exc:
        raise _model_error(exc) from None
    print(f"added {entry.id}: {entry.describe()}")
    return 0


def cmd_models_use(args: argparse.Namespace) -> int:
    from local_models.registry import ModelError

    from .assistant_wiring import registry

    try:
        entry = registry().use(args.id)
    except ModelError as exc:
        raise _model_error(exc) from None
    print(f"active model: {entry.id}")
    return 0


def cmd_models_verify(args: argparse.Namespace) -> int:
    from local_models.registry import ModelError

    from .assistant_wiring import registry

    reg = registry()
    ids = [args.id] if args.id else [e.id for e in reg.entries()]
    bad = 0
    for model_id in ids:
        try:
            entry = reg.verify(model_id)
            print(f"ok      {entry.id}")
        except ModelError as exc:
            bad += 1
            print(f"FAILED  {model_id}: {exc}")
    if bad:
        raise _model_error(ModelError(f"{bad} model file(s) failed verification"))
    return 0


def cmd_feedback_export(args: argparse.Namespace) -> int:
    from local_models.intents import IntentRecogniser, default_pack

    from .assistant_wiring import open_encoder
    from .services.assistant import Assistant

    with _open(args) as ws:
        encoder, _store = open_encoder()
        pack = default_pack()
        recogniser = IntentRecogniser(encoder)
        recogniser.classes = pack.label_ids   # labels for the prompt; no fit needed to export
        with Assistant(ws.store, recogniser, pack) as assistant:
            jsonl, csv_path, n = assistant.export_feedback(args.out)
    print(f"{n} feedback record(s) exported:\n  {jsonl}\n  {csv_path}")
    return 0


def cmd_feedback_give(args: argparse.Namespace) -> int:
    from .assistant_wiring import open_assistant

    with _open(args) as ws:
        with open_assistant(ws.store, with_llm=False) as assistant:
            assistant.record_feedback(args.suggestion_id, args.verdict, args.reason, args.reason_text,
                                      args.intent, args.text)
    print(f"feedback recorded ({args.verdict})" + (f"; the recogniser learnt {args.intent!r}" if args.intent else ""))
    return 0


def _password_for_connect(login: str) -> str:
    import getpass

    from .secrets import PASSWORD_ENV

    env = os.environ.get(PASSWORD_ENV)
    if env:
        return env
    if not sys.stdin.isatty():
        raise InvalidInput(f"no password: type it at the prompt or set {PASSWORD_ENV}")
    return getpass.getpass(f"password for {login}: ")


def cmd_connect(args: argparse.Namespace) -> int:
    from .services import sync as sync_service
    from .settings import check_central_allowed, load_settings

    target = _workspace_path(args).expanduser()
    current = load_settings()
    args.url = args.url or current.values.central_url
    args.database = args.database or current.values.central_database
    args.user = args.user or current.values.central_user
    if not args.url or not args.database or not args.user:
        raise InvalidInput("give --url, --database and --user (IT's policy and the settings set no default)")
    check_central_allowed(args.url, args.database, args.user, current)     # before asking for a password
    settings = sync_service.CentralSettings("tryton", args.url, args.database, args.user)
    password = _password_for_connect(args.user)
    created = False
    if Workspace.exists(target):
        ws = Workspace.open(target, KeyStore())
    else:
        ws = Workspace.create(target, KeyStore(), kind="central")
        created = True
    try:
        info, stored = sync_service.connect(ws, settings, password)
    except BaseException:
        ws.close()
        if created:
            _remove_workspace(target, ws.info, KeyStore())
        raise
    ws.close()
    print(f"connected {target} to {args.url} (Tryton {info['version']}, database {args.database}) as {args.user}")
    print("  password kept in the OS keyring" if stored else
          "  no usable keyring: the password was not stored; set REPDESK_PASSWORD when you sync")
    print("  next: repdesk sync --workspace " + str(target))
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from .services import sync as sync_service

    with _open(args) as ws:
        if args.what == "status":
            data = sync_service.status(ws)
            if args.json:
                _print_json(data)
                return 0
            central = data["central"]
            print(f"central:   {central.get('url', 'not connected')} {central.get('database', '')} "
                  f"{central.get('login', '')}".rstrip())
            last = data["last_sync"]
            if last:
                outcome = "ok" if last["ok"] else f"failed: {last['error']}"
                print(f"last sync: {last['finished_at']} ({outcome}; pulled {last['pulled']}, pushed "
                      f"{last['pushed']}, conflicts {last['conflicts']}, {last['seconds']} s)")
            else:
                print("last sync: never")
            print(f"queued:    {data['outbox_pending']} change(s) to send, {data['outbox_failed']} failed")
            print(f"conflicts: {data['conflicts_open']} open")
            return 0
        show = sys.stderr.isatty() and not args.json

        def progress(p) -> None:
            if show:
                total = f"/{p.total}" if p.total else ""
                print(f"\r  {p.phase}: {p.done}{total}      ", end="", file=sys.stderr, flush=True)

        import asyncio

        try:
            report = asyncio.run(sync_service.run_sync(ws, on_progress=progress))
        finally:
            if show:
                print(file=sys.stderr)
    if args.json:
        _print_json({"trace_id": report.trace_id, "seconds": round(report.seconds, 3),
                     "stock_rows": report.stock_rows, "errors": report.errors,
                     "entities": {k: asdict(v) for k, v in report.entities.items()}})
        return 0
    print(f"synced in {report.seconds:.1f} s (trace {report.trace_id})")
    print(f"  {'entity':<12} {'pulled':>7} {'pushed':>7} {'removed':>7} {'conflicts':>9} {'failed':>6}")
    for name, e in report.entities.items():
        print(f"  {name:<12} {e.pulled:>7} {e.pushed:>7} {e.tombstoned:>7} {e.conflicts:>9} {e.failed:>6}")
    print(f"  stock levels: {report.stock_rows}")
    for err in report.errors[:10]:
        print(f"  not sent: {err}")
    return 0


def cmd_conflicts_list(args: argparse.Namespace) -> int:
    from .services import sync as sync_service

    with _open(args) as ws:
        rows = sync_service.list_conflicts(ws, include_resolved=args.all)
    if args.json:
        _print_json(rows)
        return 0
    if not rows:
        print("no open conflicts")
    for r in rows:
        state = r["state"] if r["state"] == "open" else f"{r['state']} ({r['resolution']})"
        print(f"{r['id']:>4}  {r['entity']} {r['local_id']} {r['field']}: yours {r['local']!r}, central "
              f"{r['central']!r} (was {r['base']!r}) — {r['rule']}, {state}")
    return 0


def cmd_conflicts_resolve(args: argparse.Namespace) -> int:
    from .services import sync as sync_service

    with _open(args) as ws:
        sync_service.resolve_conflict(ws, args.id, args.keep)
    print(f"conflict {args.id} resolved: kept the {args.keep} value"
          + (" (queued for the next sync)" if args.keep == "local" else ""))
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from .services import sync as sync_service

    changes: dict[str, object] = {}
    for item in args.changes:
        field, sep, value = item.partition("=")
        if not sep or not field:
            raise InvalidInput(f"expected FIELD=VALUE, got {item!r}")
        changes[field] = None if value == "" else value
    with _open(args) as ws:
        result = sync_service.edit(ws, args.entity, args.id, changes)
    if not result.any():
        print(f"nothing changed: {args.entity} {args.id} already has these values")
        return 0
    print(f"saved; queued for the next sync: {args.entity} {args.id} {', '.join(changes)}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from .release import run_verify

    log.info("verify %s", args.artefact)
    return run_verify(args.artefact, key=args.key, sums=args.sums)


def cmd_eval_intents(args: argparse.Namespace) -> int:
    from local_models.evaluation import evaluate
    from local_models.intents import IntentRecogniser, PackError, pack_from_examples, read_jsonl

    from .assistant_wiring import open_encoder, warm_embeddings

    try:
        pack = pack_from_examples(args.examples)
        test = read_jsonl(args.test)
    except PackError as exc:
        raise InvalidInput(str(exc)) from None
    show = sys.stderr.isatty()
    encoder, store = open_encoder()
    embed_s = warm_embeddings(encoder, store, [t for t, _ in pack.examples])
    recogniser = IntentRecogniser(encoder)
    fit = recogniser.fit(pack.examples, pack.abstain_label)

    def progress(done: int, total: int) -> None:
        if show:
            print(f"\r  {done}/{total}", end="", file=sys.stderr, flush=True)

    try:
        result = evaluate(recogniser, test, fit.seconds, embed_s, progress)
    finally:
        encoder.close()
    if show:
        print(file=sys.stderr)
    unknown = sorted({lab for _, lab in test} - set(recogniser.classes))
    if args.json:
        _print_json({**asdict(result), "abstain_label": pack.abstain_label, "threshold": fit.threshold,
                     "temperature": fit.temperature, "examples": fit.examples, "labels_in_examples": fit.labels,
                     "test_labels_not_in_examples": unknown, "recogniser": IntentRecogniser.version,
                     "encoder": str(encoder.path.name)})
        return 0
    print(f"examples: {fit.examples} over {fit.labels} labels (abstain label: {pack.abstain_label or 'none'}); "
          f"test: {result.n} messages")
    print(f"accuracy        {result.accuracy * 100:6.2f} %")
    print(f"macro-F1        {result.macro_f1 * 100:6.2f} %")
    print(f"abstain rate    {result.abstain_rate * 100:6.2f} %  (threshold {fit.threshold:.3f}, chosen on the examples)")
    print(f"latency         p50 {result.latency_p50_ms:.1f} ms, p95 {result.latency_p95_ms:.1f} ms, "
          f"max {result.latency_max_ms:.1f} ms (encode + classify, one message at a time)")
    print(f"fit             {fit.seconds:.2f} s (+ {embed_s:.1f} s embedding examples, cached for next time)")
    if unknown:
        print(f"note: {len(unknown)} test label(s) never appear in the examples: {', '.join(unknown[:8])}")
    print("per-label recall:")
    for lab, rec in sorted(result.per_label_recall.items(), key=lambda kv: kv[1]):
        print(f"  {rec * 100:6.1f} %  {lab}")
    if result.confusions:
        print("most frequent confusions (true -> predicted):")
        for t, p, c in result.confusions[:5]:
            print(f"  {c:4}  {t} -> {p}")
    return 0


def doctor_report(workspace: Path, keys: KeyStore | None = None) -> dict:
    """Everything `doctor` prints, as data (the UI's About box reuses it)."""
    from importlib.metadata import PackageNotFoundError, version

    import apsw

    from local_models.runtime import runtime_info

    keys = keys or KeyStore()

    def ver(dist: str) -> str:
        try:
            return version(dist)
        except PackageNotFoundError:
            return "not installed"

    status = keys.status
    report: dict = {
        "versions": {
            "repdesk": __version__,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "PySide6": ver("PySide6-Essentials"),
            "apsw": apsw.apsw_version(),
            "sqlite": apsw.sqlite_lib_version(),
            "sqlite3mc": getattr(apsw, "mc_version", "absent (plain apsw: no encryption!)"),
            "httpx": ver("httpx"),
            "keyring": ver("keyring"),
            "qasync": ver("qasync"),
            "llama-cpp-python": ver("llama-cpp-python"),
        },
        "paths": {
            "workspace": str(workspace),
            "data": str(paths.data_dir()),
            "config": str(paths.config_dir()),
            "logs": str(paths.log_dir()),
            "policy": str(paths.managed_policy_file()),
        },
        "keyring": {
            "backend": status.backend,
            "usable": status.usable,
            "note": "" if status.usable else f"{status.reason}; database keys fall back to owner-only key files "
                                              f"under {paths.config_dir() / 'keys'}",
        },
        "database": {"schema_supported": SCHEMA_VERSION},
        "problems": [],
    }
    db = report["database"]
    if not Workspace.exists(workspace):
        db["status"] = "no workspace (run `repdesk demo` or `repdesk connect`)"
    else:
        db_file = workspace / DB_NAME
        db["file"] = str(db_file)
        db["size_bytes"] = db_file.stat().st_size if db_file.exists() else 0
        db["encrypted_on_disk"] = is_encrypted(db_file) if db_file.exists() else None
        try:
            with Workspace.open(workspace, keys) as ws:
                db["status"] = "ok"
                db["schema"] = ws.store.schema_version()
                db["cipher"] = ws.store.cipher()
                db["key"] = ws.key_location.describe()
                db["kind"] = ws.info.kind
                db["accounts"] = AccountService(ws.store).count()
                db["integrity"] = ws.store.conn.execute("PRAGMA quick_check").fetchall()[0][0]
                from .services import sync as sync_service

                st = sync_service.status(ws)
                last = st["last_sync"] or {}
                report["central"] = {
                    "connected": f"{st['central']['url']} {st['central']['database']} as {st['central']['login']}"
                    if st["connected"] else "no (offline workspace)",
                    "last_sync": (f"{last.get('finished_at')} {'ok' if last.get('ok') else last.get('error')}"
                                  if last else "never"),
                    "queued_changes": st["outbox_pending"], "failed_changes": st["outbox_failed"],
                    "open_conflicts": st["conflicts_open"],
                }
        except RepDeskError as exc:
            db["status"] = f"error: {exc}"
            report["problems"].append(str(exc))
        if db.get("encrypted_on_disk") is False:
            report["problems"].append("the database file is NOT encrypted")
    from . import release
    from .settings import load_settings

    current = load_settings()
    report["policy"] = {
        "file": str(current.policy_path) if current.policy_path else f"none (IT places it at "
                                                                     f"{paths.managed_policy_file()})",
        "locked": ", ".join(sorted(current.locked)) or "nothing",
        "warnings": "; ".join(current.warnings),
    }
    try:
        trusted = release.trusted_key()
        report["policy"]["release_key"] = trusted.describe()
    except RepDeskError as exc:
        report["policy"]["release_key"] = f"none ({exc.code})"
    info = runtime_info()
    report["model"] = {
        "runtime": f"llama.cpp via llama-cpp-python {info.version}" if info.available else f"unavailable: {info.error}",
        "portable_build": info.portable if info.available else None,
        "cpu_features": info.system_info,
    }
    try:
        from local_models.intents import default_encoder_path

        from .assistant_wiring import registry

        reg = registry()
        active = reg.active()
        report["model"]["active_model"] = active.describe() if active else "none (drafts disabled)"
        report["model"]["registered"] = len(reg.entries())
        encoder = default_encoder_path()
        report["model"]["intent_encoder"] = (f"{encoder.name} ({encoder.stat().st_size / 1e6:.0f} MB)"
                                             if encoder.exists() else "missing: run `make models`")
        if not encoder.exists():
            report["problems"].append("the intent encoder is missing (run `make models`)")
    except RepDeskError as exc:
        report["model"]["active_model"] = f"error: {exc}"
        report["problems"].append(str(exc))
    if info.available and not info.portable:
        report["problems"].append("llama.cpp was built with AVX-512/AMX: rebuild with CMAKE_ARGS=-DGGML_NATIVE=OFF")
    if not status.usable:
        report["warnings"] = ["no usable OS keyring: the database key is kept in an owner-only key file"]
    return report


def cmd_doctor(args: argparse.Namespace) -> int:
    report = doctor_report(_workspace_path(args))
    if args.json:
        _print_json(report)
        return 1 if report["problems"] else 0
    for section in ("versions", "paths", "keyring", "database", "central", "policy", "model"):
        if section not in report:
            continue
        print(f"{section}:")
        for key, value in report[section].items():
            if value == "" or value is None:
                continue
            print(f"  {key:18} {value}")
    for w in report.get("warnings", []):
        print(f"WARNING: {w}")
    for p in report["problems"]:
        print(f"PROBLEM: {p}")
    print("ok" if not report["problems"] else f"{len(report['problems'])} problem(s)")
    return 1 if report["problems"] else 0


# -- entry --------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit status (0 ok, 1 error, 2 usage, 70 internal error)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass
    log_file = logs.setup()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
        if func is None:
            parser.print_help()
            return EXIT_USAGE
        log.info("command %s", args.command)
        return func(args)
    except _UsageError as exc:
        print(str(exc) + " (see --help)", file=sys.stderr)
        return EXIT_USAGE
    except RepDeskError as exc:
        log.info("command failed: %s (%s)", exc, exc.code)
        print(f"repdesk: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("repdesk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug: one line for the user, the traceback for us
        log.exception("internal error")
        print(f"repdesk: internal error: {type(exc).__name__}: {exc} (details in {log_file})", file=sys.stderr)
        return EXIT_INTERNAL


