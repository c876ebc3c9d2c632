"""The intent recogniser: a multilingual sentence encoder (GGUF through llama.cpp) + a few-shot kernel head.

Design (chosen by measurement, see README "Intent recognition"):
* encoder: multilingual-e5-small, Q4_0, mean-pooled, L2-normalised; input capped at ``max_tokens`` tokens;
* head: embeddings centred on the examples' mean, RBF-on-cosine kernel ridge (gamma 2, lambda 0.1), closed form;
* calibration: softmax temperature chosen by exact leave-one-out on the examples alone (one matrix inverse);
* abstain: a label named like other/oos/unknown is an ordinary class, and anything whose calibrated confidence
  is under a threshold (also chosen by leave-one-out on the examples) goes to it. Without such a label the
  recogniser returns label None ("needs review") below ``review_below``.
Nothing here knows a data set: the examples alone define the taxonomy. Fit is well under a second for ~1,500
examples once their embeddings are cached.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # BLAS threads fight llama.cpp's for the 2 cores otherwise

import numpy as np  # noqa: E402

ABSTAIN_NAMES = re.compile(
    r"^(oos|out[_ -]?of[_ -]?scope|other|others|none|unknown|fallback|no[_ -]?intent|misc)$", re.IGNORECASE)
TEMPERATURES = np.geomspace(0.002, 1.0, 28)


class PackError(ValueError):
    """A taxonomy pack or examples file that cannot be used; the message says which line or field."""


# -- packs --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Label:
    id: str
    name: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)


@dataclass
class Pack:
    id: str
    version: str
    labels: list[Label]
    examples: list[tuple[str, str]]          # (text, label id)
    abstain_label: str | None = None
    name: dict[str, str] = field(default_factory=dict)

    @property
    def label_ids(self) -> list[str]:
        return [lab.id for lab in self.labels]

    def label(self, label_id: str) -> Label:
        for lab in self.labels:
            if lab.id == label_id:
                return lab
        return Label(label_id, {"en": label_id, "zh": label_id})


def _guess_abstain(labels: Iterable[str]) -> str | None:
    return next((lab for lab in labels if ABSTAIN_NAMES.match(lab)), None)


def load_pack(path: Path | str) -> Pack:
    """A pack file (JSON): id, version, labels with names/descriptions/examples in zh and en."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        labels, examples = [], []
        for item in raw["labels"]:
            lab = Label(str(item["id"]), dict(item.get("name", {})), dict(item.get("description", {})))
            labels.append(lab)
            for texts in item.get("examples", {}).values():
                examples.extend((str(t), lab.id) for t in texts if str(t).strip())
        abstain = raw.get("abstain_label") or _guess_abstain(lab.id for lab in labels)
        pack = Pack(str(raw["id"]), str(raw.get("version", "0")), labels, examples, abstain, dict(raw.get("name", {})))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PackError(f"cannot read the intent pack {path}: {exc}") from None
    if len(pack.labels) < 2 or not pack.examples:
        raise PackError(f"the intent pack {path} needs at least two labels with examples")
    return pack


def default_pack() -> Pack:
    ref = resources.files("local_models").joinpath("packs", "sales_default.json")
    with resources.as_file(ref) as path:
        return load_pack(path)


def read_jsonl(path: Path | str) -> list[tuple[str, str]]:
    """Lines of {"text", "label"}; a bad line is reported by number."""
    out = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise PackError(f"cannot read {path}: {exc.strerror or exc}") from None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            text, label = str(item["text"]), str(item["label"])
        except (ValueError, KeyError, TypeError):
            raise PackError(f"{path}, line {n}: expected a JSON object with \"text\" and \"label\"") from None
        out.append((text, label))
    if not out:
        raise PackError(f"{path} holds no examples")
    return out


def pack_from_examples(path: Path | str) -> Pack:
    """An ad-hoc pack from an examples file: the file alone defines the taxonomy (used by eval-intents)."""
    examples = read_jsonl(path)
    label_ids = sorted({lab for _, lab in examples})
    if len(label_ids) < 2:
        raise PackError(f"{path} defines fewer than two labels")
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    return Pack(f"file:{Path(path).name}", digest, [Label(lab) for lab in label_ids], examples,
                _guess_abstain(label_ids))


# -- the encoder ------------------------------------------------------------------------------------------
class LlamaEncoder:
    """Sentence embeddings from a GGUF encoder through llama.cpp. Not thread-safe: use from one thread (the
    `llm` executor) — the embedding cache is thread-safe, the model is not."""

    def __init__(self, model_path: Path | str, n_threads: int = 2, max_tokens: int = 40) -> None:
        import llama_cpp

        self.path = Path(model_path)
        if not self.path.exists():
            raise FileNotFoundError(f"intent encoder not found at {self.path} (run `make models`)")
        self.max_tokens = max_tokens
        self._llama = llama_cpp.Llama(model_path=str(self.path), embedding=True, n_ctx=512, n_batch=512,
                                      n_ubatch=512, n_threads=n_threads, n_threads_batch=n_threads, verbose=False)
        self.dim = self._llama.n_embd()
        self.model_id = _file_id(self.path)
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def _clip(self, text: str) -> str:
        text = " ".join(text.split())[:1000] or "."
        tokens = self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=False)
        if len(tokens) > self.max_tokens:
            text = self._llama.detokenize(tokens[: self.max_tokens]).decode("utf-8", "ignore").strip() or "."
        return text

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length rows, one per text; repeated texts come from the cache."""
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            with self._lock:
                hit = self._cache.get(text)
            if hit is None:
                vec = np.asarray(self._llama.embed(self._clip(text)), np.float32)
                vec /= np.linalg.norm(vec) + 1e-12
                with self._lock:
                    if len(self._cache) > 50_000:
                        self._cache.clear()
                    self._cache[text] = vec
                hit = vec
            out[i] = hit
        return out

    def preload(self, vectors: dict[str, np.ndarray]) -> None:
        with self._lock:
            self._cache.update(vectors)

    def close(self) -> None:
        self._llama.close()


def _file_id(path: Path) -> str:
    st = path.stat()
    head = path.open("rb").read(1 << 16)
    return hashlib.sha256(head + str(st.st_size).encode()).hexdigest()[:16]


class EmbeddingStore:
    """Example embeddings on disk, keyed by encoder id and text, so start-up does not re-embed a whole pack."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def _file(self, encoder_id: str) -> Path:
        return self.folder / f"embeddings-{encoder_id}.npz"

    def load(self, encoder_id: str) -> dict[str, np.ndarray]:
        try:
            with np.load(self._file(encoder_id), allow_pickle=False) as data:
                texts = json.loads(str(data["texts"]))
                return dict(zip(texts, data["vectors"], strict=True))
        except (OSError, ValueError, KeyError):
            return {}

    def save(self, encoder_id: str, vectors: dict[str, np.ndarray]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        texts = list(vectors)
        tmp = self._file(encoder_id).with_suffix(".tmp.npz")
        np.savez(tmp, texts=np.array(json.dumps(texts, ensure_ascii=False)),
                 vectors=np.stack([vectors[t] for t in texts]) if texts else np.zeros((0, 1), np.float32))
        os.replace(tmp, self._file(encoder_id))


# -- the head -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Evidence:
    text: str
    label: str
    similarity: float


@dataclass(frozen=True)
class Recognition:
    label: str | None                 # None = abstained with no abstain label ("needs review")
    confidence: float                 # calibrated probability of `label` (of the top class when abstaining)
    alternatives: list[tuple[str, float]]   # top 3 (label, probability), best first
    evidence: list[Evidence]          # the examples that drove it (nearest in embedding space)
    abstained: bool
    latency_ms: float

    @property
    def needs_review(self) -> bool:
        return self.abstained


@dataclass(frozen=True)
class FitReport:
    examples: int
    labels: int
    seconds: float
    temperature: float
    threshold: float
    loo_accuracy: float


class IntentRecogniser:
    """Few-shot recogniser over any pack. Methods run on the caller's thread; `recognise` is cheap (~0.3 ms
    after the encoder), `fit` is one N×N inverse."""

    version = "e5rbf-1"

    def __init__(self, encoder, gamma: float = 2.0, lam: float = 0.1, review_below: float = 0.0) -> None:
        self.encoder = encoder
        self.gamma = gamma
        self.lam = lam
        self.review_below = review_below
        self.classes: list[str] = []
        self.abstain_label: str | None = None
        self._texts: list[str] = []
        self._labels: list[str] = []
        self._lock = threading.RLock()
        self.report: FitReport | None = None

    @property
    def examples(self) -> list[tuple[str, str]]:
        return list(zip(self._texts, self._labels, strict=True))

    def fit(self, examples: Sequence[tuple[str, str]], abstain_label: str | None = None) -> FitReport:
        texts = [t for t, _ in examples]
        labels = [lab for _, lab in examples]
        if len(set(labels)) < 2:
            raise PackError("at least two labels with examples are needed")
        vectors = self.encoder.embed(texts)
        return self._fit(texts, labels, vectors, abstain_label if abstain_label else _guess_abstain(set(labels)))

    def add_example(self, text: str, label: str) -> FitReport:
        """Learn from a correction at once: the example joins the set and the head is refitted."""
        with self._lock:
            texts = [*self._texts, text]
            labels = [*self._labels, label]
        vectors = self.encoder.embed(texts)
        return self._fit(texts, labels, vectors, self.abstain_label)

    def _fit(self, texts: list[str], labels: list[str], raw: np.ndarray, abstain: str | None) -> FitReport:
        t0 = time.perf_counter()
        classes = sorted(set(labels))
        mu = raw.mean(0)
        E = raw - mu
        E /= np.linalg.norm(E, axis=1, keepdims=True) + 1e-12
        index = {c: i for i, c in enumerate(classes)}
        yi = np.array([index[lab] for lab in labels])
        Y = np.zeros((len(labels), len(classes)), np.float32)
        Y[np.arange(len(labels)), yi] = 1
        K = np.exp(self.gamma * (E @ E.T - 1)).astype(np.float32)
        inv = np.linalg.inv(K + self.lam * np.eye(len(E), dtype=np.float32))
        A = inv @ Y
        # exact leave-one-out scores of kernel ridge: S_loo = Y - A / diag(inv)
        S = Y - A / np.diag(inv)[:, None]
        nll = [-np.log(_softmax(S, t)[np.arange(len(yi)), yi] + 1e-12).mean() for t in TEMPERATURES]
        temperature = float(TEMPERATURES[int(np.argmin(nll))])
        P = _softmax(S, temperature)
        conf, pred = P.max(1), P.argmax(1)
        threshold = 0.0
        if abstain is not None and abstain in index:
            o = index[abstain]
            best = float((pred == yi).mean())
            for th in np.unique(np.round(conf, 3)):
                acc = float((np.where(conf < th, o, pred) == yi).mean())
                if acc > best + 1e-9:
                    best, threshold = acc, float(th)
        report = FitReport(len(texts), len(classes), time.perf_counter() - t0, temperature, threshold,
                           float((pred == yi).mean()))
        with self._lock:
            self._texts, self._labels = texts, labels
            self.classes, self.abstain_label = classes, abstain if abstain in index else None
            self._mu, self._E, self._A = mu, E, A
            self.temperature, self.threshold = temperature, threshold
            self.report = report
        return report

    def recognise(self, text: str) -> Recognition:
        t0 = time.perf_counter()
        raw = self.encoder.embed([text])[0]
        with self._lock:
            if not self.classes:
                raise RuntimeError("the recogniser has not been fitted")
            v = raw - self._mu
            v /= np.linalg.norm(v) + 1e-12
            sims = self._E @ v
            scores = np.exp(self.gamma * (sims - 1)) @ self._A
            p = _softmax(scores[None, :], self.temperature)[0]
            order = np.argsort(-p)
            top = int(order[0])
            conf = float(p[top])
            label: str | None = self.classes[top]
            abstained = False
            if self.abstain_label is not None and conf < self.threshold:
                label, abstained = self.abstain_label, True
            elif self.abstain_label is None and conf < self.review_below:
                label, abstained = None, True
            near = np.argsort(-sims)[:3]
            evidence = [Evidence(self._texts[i], self._labels[i], float(sims[i])) for i in near]
            alternatives = [(self.classes[i], float(p[i])) for i in order[:3]]
        return Recognition(label, conf, alternatives, evidence, abstained, (time.perf_counter() - t0) * 1000)


def _softmax(S: np.ndarray, temperature: float) -> np.ndarray:
    Z = S / temperature
    Z = Z - Z.max(1, keepdims=True)
    P = np.exp(Z)
    return P / P.sum(1, keepdims=True)


def default_encoder_path() -> Path:
    """The encoder built by `make models` (inside the package, so source and frozen builds find it alike)."""
    env = os.environ.get("REPDESK_ENCODER")
    if env:
        return Path(env)
    return Path(str(resources.files("local_models").joinpath("assets", "multilingual-e5-small-q4_0.gguf")))
