"""Judging a recogniser on labelled messages: accuracy, macro-F1, per-label recall, abstain rate, latency."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .intents import IntentRecogniser


@dataclass
class EvalResult:
    n: int
    labels: int
    accuracy: float
    macro_f1: float
    abstain_rate: float
    latency_p50_ms: float
    latency_p95_ms: float
    latency_max_ms: float
    fit_seconds: float
    embed_examples_seconds: float
    per_label_recall: dict[str, float] = field(default_factory=dict)
    confusions: list[tuple[str, str, int]] = field(default_factory=list)   # (true, predicted, count), worst first


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else 0.0


def evaluate(recogniser: IntentRecogniser, test: Sequence[tuple[str, str]], fit_seconds: float = 0.0,
             embed_seconds: float = 0.0, progress: Callable[[int, int], None] | None = None) -> EvalResult:
    """Run the full recognise path (encode + classify) on every test message, one at a time as the app does."""
    y_true, y_pred, latencies = [], [], []
    abstained = 0
    for i, (text, label) in enumerate(test):
        r = recogniser.recognise(text)
        y_true.append(label)
        y_pred.append(r.label if r.label is not None else "(abstain)")
        latencies.append(r.latency_ms)
        abstained += r.abstained
        if progress and (i % 50 == 0 or i == len(test) - 1):
            progress(i + 1, len(test))
    labels = sorted(set(y_true) | set(recogniser.classes))
    tp = Counter(t for t, p in zip(y_true, y_pred, strict=True) if t == p)
    n_true = Counter(y_true)
    n_pred = Counter(y_pred)
    recall, f1s = {}, []
    for lab in labels:
        r = tp[lab] / n_true[lab] if n_true[lab] else 0.0
        p = tp[lab] / n_pred[lab] if n_pred[lab] else 0.0
        if n_true[lab]:
            recall[lab] = r
            f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    confusions = Counter((t, p) for t, p in zip(y_true, y_pred, strict=True) if t != p)
    n = len(y_true)
    return EvalResult(
        n=n,
        labels=len(n_true),
        accuracy=sum(tp.values()) / n if n else 0.0,
        macro_f1=statistics.mean(f1s) if f1s else 0.0,
        abstain_rate=abstained / n if n else 0.0,
        latency_p50_ms=_pct(latencies, 50),
        latency_p95_ms=_pct(latencies, 95),
        latency_max_ms=max(latencies, default=0.0),
        fit_seconds=fit_seconds,
        embed_examples_seconds=embed_seconds,
        per_label_recall=recall,
        confusions=[(t, p, c) for (t, p), c in confusions.most_common(10)],
    )
