"""Text classifiers for detection: the interface any ML model plugs into, and a built-in one.

:class:`TextClassifier` is what detection asks of a model: a ``name``, the ``labels`` it knows and
``predict``, a probability for every label for each text. :data:`NEGATIVE` is the label for "no
violation".

:class:`CharNgramClassifier` is the built-in model: character n-grams (2 to 5 letters, inside word
boundaries) weighted by tf-idf, under a multinomial logistic regression with balanced class weights.
Character n-grams suit short posts in Kazakh (Cyrillic and Latin), Russian and English without a
tokeniser or a dictionary per language, and they catch inflected forms. Every text first goes through
:func:`senim.detection.normalise.normalise`, in training and in prediction alike, so evasions (look-alike
letters, separators, repeated letters, digits for letters) meet the n-grams of the plain spelling.

:func:`train` learns a model from moderators' past decisions, ``(text, label)`` pairs, and measures it on a
stratified held-out part: per-label precision, recall and F1 in a :class:`TrainingReport`. Copies of one
text (after normalisation) stay on one side of the split, so a post repeated a hundred times cannot be
learnt in training and then "found" in the test. A label with fewer than :data:`MIN_TO_EVALUATE`
distinct texts is used for training only, and the report names it.

A model is saved without pickle (loading a pickle runs code): a directory with ``model.json`` (format
version, labels, vectoriser parameters, vocabulary, training report, checksum of the arrays) and
``weights.npz`` (idf, coefficients, intercepts; read with ``allow_pickle=False``). Prediction uses only
those saved parts, so a loaded model predicts exactly what the trained one did. Pure apart from
:meth:`CharNgramClassifier.save` and :meth:`CharNgramClassifier.load`.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_fscore_support
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from senim.detection.normalise import normalise

NEGATIVE = "none"  # the label for "no violation"

FORMAT = "senim.char-ngram-classifier"
FORMAT_VERSION = 1
MODEL_FILE = "model.json"
WEIGHTS_FILE = "weights.npz"

MIN_EXAMPLES = 10  # fewer examples than this in all: training is refused
MIN_TO_EVALUATE = 5  # a label with fewer distinct texts is used for training only

NGRAM_RANGE = (2, 5)
MIN_DF = 2  # an n-gram must occur in at least this many training texts
MAX_FEATURES = 100_000  # bounds the vocabulary, and so the model's size and memory
C = 10.0  # inverse regularisation strength of the logistic regression
MAX_ITER = 1000


@runtime_checkable
class TextClassifier(Protocol):
    """A model that gives, for each text, a probability for every one of its labels."""

    @property
    def name(self) -> str: ...

    @property
    def labels(self) -> tuple[str, ...]: ...

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """One ``{label: probability}`` per text, over all of ``labels``, summing to 1."""
        ...


# --- the training report ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelScore:
    """How the model did on one label of the held-out part."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int  # held-out examples that carry this label


@dataclass(frozen=True)
class TrainingReport:
    """What training learnt from and how the model did on the held-out part."""

    name: str
    scores: tuple[LabelScore, ...]  # evaluated labels, in label order
    macro_precision: float
    macro_recall: float
    macro_f1: float
    n_train: int
    n_test: int
    skipped: tuple[str, ...]  # labels with too few examples to evaluate: used for training only
    held_out: float
    seed: int

    def score(self, label: str) -> LabelScore:
        for score in self.scores:
            if score.label == label:
                return score
        raise KeyError(label)

    def lines(self) -> list[str]:
        """The report as plain lines for a terminal or a log."""
        width = max([len(s.label) for s in self.scores] + [len("macro average")])
        lines = [
            (
                f"model {self.name!r}: trained on {self.n_train} examples, "
                f"evaluated on {self.n_test} held out ({self.held_out:.0%}, seed {self.seed})"
            ),
            f"{'label':<{width}}  precision  recall     f1  support",
        ]
        lines.extend(
            f"{s.label:<{width}}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}  {s.support:7d}"
            for s in self.scores
        )
        lines.append(
            f"{'macro average':<{width}}  {self.macro_precision:9.3f}  {self.macro_recall:6.3f}  "
            f"{self.macro_f1:5.3f}  {self.n_test:7d}"
        )
        if self.skipped:
            lines.append(
                f"not evaluated (fewer than {MIN_TO_EVALUATE} distinct texts, used for training only): "
                + ", ".join(self.skipped)
            )
        return lines

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainingReport:
        fields = dict(data)
        fields["scores"] = tuple(LabelScore(**score) for score in data["scores"])
        fields["skipped"] = tuple(data["skipped"])
        return cls(**fields)


# --- the built-in model -----------------------------------------------------------------------------


def _frozen(array: Any, shape: tuple[int, ...], what: str) -> np.ndarray:
    out = np.array(array, dtype=np.float64)
    if out.shape != shape:
        raise ValueError(f"{what} has shape {out.shape}, expected {shape}")
    out.setflags(write=False)
    return out


class _Tfidf:
    """Counts of a fixed vocabulary of character n-grams, sublinear tf times idf, l2-normalised."""

    def __init__(self, vocabulary: Sequence[str], idf: Any, ngram_range: tuple[int, int]) -> None:
        if len(set(vocabulary)) != len(vocabulary):
            raise ValueError("the vocabulary has repeated n-grams")
        self.vocabulary = tuple(vocabulary)
        self.idf = _frozen(idf, (len(vocabulary),), "idf")
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self._counter = CountVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            lowercase=False,  # normalise has folded case already
            vocabulary={gram: index for index, gram in enumerate(self.vocabulary)},
            dtype=np.float64,
        )

    def transform(self, normalised: Sequence[str]) -> sparse.csr_matrix:
        counts = sparse.csr_matrix(self._counter.transform(list(normalised)), dtype=np.float64)
        np.log(counts.data, out=counts.data)
        counts.data += 1.0
        counts.data *= self.idf[counts.indices]
        return sparse.csr_matrix(normalize(counts, norm="l2", copy=False))


class CharNgramClassifier:
    """Character n-gram tf-idf and logistic regression over normalised text. Made by :func:`train`."""

    def __init__(
        self,
        *,
        name: str,
        labels: Sequence[str],
        vocabulary: Sequence[str],
        idf: Any,
        coef: Any,
        intercept: Any,
        ngram_range: tuple[int, int] = NGRAM_RANGE,
        report: TrainingReport | None = None,
    ) -> None:
        if len(labels) < 2 or len(set(labels)) != len(labels):
            raise ValueError(f"a classifier needs at least 2 distinct labels, got {list(labels)}")
        self._name = name
        self._labels = tuple(labels)
        self._tfidf = _Tfidf(vocabulary, idf, ngram_range)
        # two labels: one row of weights, for the second label against the first (binary regression)
        rows = 1 if len(labels) == 2 else len(labels)
        self._coef = _frozen(coef, (rows, len(vocabulary)), "coef")
        self._intercept = _frozen(intercept, (rows,), "intercept")
        self.report = report

    @property
    def name(self) -> str:
        return self._name

    @property
    def labels(self) -> tuple[str, ...]:
        return self._labels

    @property
    def vocabulary(self) -> tuple[str, ...]:
        return self._tfidf.vocabulary

    @property
    def ngram_range(self) -> tuple[int, int]:
        return self._tfidf.ngram_range

    def probabilities(self, normalised: Sequence[str]) -> np.ndarray:
        """A ``(texts, labels)`` array of probabilities, for texts already normalised."""
        if not normalised:
            return np.zeros((0, len(self._labels)))
        scores = np.asarray(self._tfidf.transform(normalised) @ self._coef.T) + self._intercept
        if len(self._labels) == 2:
            scores = np.hstack([np.zeros_like(scores), scores])
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True))

    def predict(self, texts: Sequence[str]) -> list[dict[str, float]]:
        rows = self.probabilities([normalise(text).text for text in texts])
        return [dict(zip(self._labels, map(float, row), strict=True)) for row in rows]

    # --- saving without pickle ----------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the model to the directory ``path`` (made if missing); returns it."""
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        weights = directory / WEIGHTS_FILE
        with weights.open("wb") as out:
            np.savez(out, idf=self._tfidf.idf, coef=self._coef, intercept=self._intercept)
        meta = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "name": self._name,
            "labels": list(self._labels),
            "vectorizer": {
                "normalise": "senim.detection.normalise.normalise",
                "analyzer": "char_wb",
                "ngram_range": list(self.ngram_range),
                "sublinear_tf": True,
                "norm": "l2",
            },
            "weights": {"file": WEIGHTS_FILE, "sha256": _sha256(weights)},
            "report": self.report.to_dict() if self.report is not None else None,
            "vocabulary": list(self._tfidf.vocabulary),
        }
        (directory / MODEL_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        return directory

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CharNgramClassifier:
        """The model saved by :meth:`save` in the directory ``path``."""
        directory = Path(path)
        try:
            meta = json.loads((directory / MODEL_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError as error:
            raise ValueError(f"no saved classifier at {directory}: {MODEL_FILE} is missing") from error
        except json.JSONDecodeError as error:
            raise ValueError(f"{directory / MODEL_FILE} is not valid JSON: {error}") from error
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError(f"{directory / MODEL_FILE} is not a saved {FORMAT}")
        if meta.get("format_version") != FORMAT_VERSION:
            raise ValueError(
                f"{directory} holds a classifier in format version {meta.get('format_version')}; "
                f"this version of Senim reads format version {FORMAT_VERSION} only: train the model again"
            )
        try:
            return cls._from_saved(directory, meta)
        except (KeyError, TypeError, IndexError) as error:
            raise ValueError(f"{directory / MODEL_FILE} is incomplete or malformed ({error!r})") from error

    @classmethod
    def _from_saved(cls, directory: Path, meta: dict[str, Any]) -> CharNgramClassifier:
        vectorizer = meta["vectorizer"]
        if (vectorizer["analyzer"], vectorizer["sublinear_tf"], vectorizer["norm"]) != (
            "char_wb",
            True,
            "l2",
        ):
            raise ValueError(f"{directory / MODEL_FILE} has vectoriser parameters this version cannot use")
        weights = directory / meta["weights"]["file"]
        if weights.parent != directory or _sha256(weights) != meta["weights"]["sha256"]:
            raise ValueError(f"{weights} does not match {MODEL_FILE} (checksum differs)")
        with np.load(weights, allow_pickle=False) as arrays:
            idf, coef, intercept = arrays["idf"], arrays["coef"], arrays["intercept"]
        report = meta["report"]
        return cls(
            name=meta["name"],
            labels=meta["labels"],
            vocabulary=meta["vocabulary"],
            idf=idf,
            coef=coef,
            intercept=intercept,
            ngram_range=(vectorizer["ngram_range"][0], vectorizer["ngram_range"][1]),
            report=TrainingReport.from_dict(report) if report is not None else None,
        )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- training ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Training:
    """What :func:`train` returns: the model (carrying its report) and the report."""

    model: CharNgramClassifier
    report: TrainingReport


@dataclass(frozen=True)
class _Split:
    train: list[int]
    test: list[int]
    evaluated: tuple[str, ...]  # labels with enough distinct texts, some of them held out
    skipped: tuple[str, ...]  # labels used for training only


def _split(normalised: Sequence[str], labels: Sequence[str], held_out: float, seed: int) -> _Split:
    """Stratified by label over distinct normalised texts: all copies of a text fall on one side."""
    copies: dict[str, list[int]] = defaultdict(list)
    for index, text in enumerate(normalised):
        copies[text].append(index)
    # a distinct text counts once, for the label most of its copies carry
    by_label: dict[str, list[str]] = defaultdict(list)
    for text, members in copies.items():
        by_label[Counter(labels[i] for i in members).most_common(1)[0][0]].append(text)
    rng = np.random.default_rng(seed)
    held: set[str] = set()
    evaluated = sorted(label for label, texts in by_label.items() if len(texts) >= MIN_TO_EVALUATE)
    for label in evaluated:
        texts = by_label[label]
        size = min(len(texts) - 1, max(1, round(len(texts) * held_out)))
        held.update(texts[i] for i in rng.permutation(len(texts))[:size])
    return _Split(
        train=[i for i, text in enumerate(normalised) if text not in held],
        test=[i for i, text in enumerate(normalised) if text in held],
        evaluated=tuple(evaluated),
        skipped=tuple(sorted(set(labels) - set(evaluated))),
    )


def _check(examples: Sequence[tuple[str, str]], held_out: float) -> None:
    if not 0 < held_out < 1:
        raise ValueError(
            f"held_out is the share of examples kept for evaluation, between 0 and 1; got {held_out}"
        )
    for example in examples:
        if (
            len(example) != 2
            or not isinstance(example[0], str)
            or not isinstance(example[1], str)
            or not example[1].strip()
        ):
            raise ValueError(f"each example is a (text, label) pair of strings; got {example!r}")
    labels = sorted({label for _, label in examples})
    if len(labels) < 2:
        raise ValueError(
            f"training needs examples of at least 2 labels (a violation and {NEGATIVE!r}, say); got {labels}"
        )
    if len(examples) < MIN_EXAMPLES:
        raise ValueError(f"training needs at least {MIN_EXAMPLES} examples; got {len(examples)}")


def train(
    examples: Sequence[tuple[str, str]], *, held_out: float = 0.2, seed: int = 0, name: str = "builtin"
) -> Training:
    """Train a :class:`CharNgramClassifier` on ``(text, label)`` pairs and evaluate it on a held-out part.

    Raises ``ValueError`` with a plain message when the examples cannot make a model worth the name: fewer
    than 2 labels, fewer than :data:`MIN_EXAMPLES` examples, no label with :data:`MIN_TO_EVALUATE`
    distinct texts, or no n-gram shared by :data:`MIN_DF` training texts.
    """
    _check(examples, held_out)
    normalised = [normalise(text).text for text, _ in examples]
    labels = [label for _, label in examples]
    split = _split(normalised, labels, held_out, seed)
    if not split.evaluated:
        counts = dict(sorted(Counter(labels).items()))
        raise ValueError(
            f"too few examples to evaluate: no label has {MIN_TO_EVALUATE} distinct texts (counts: {counts})"
        )
    train_texts = [normalised[i] for i in split.train]
    train_labels = [labels[i] for i in split.train]
    if len(set(train_labels)) < 2:
        raise ValueError("too few examples: the training part would hold only one label")

    vectorizer = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=NGRAM_RANGE,
        lowercase=False,
        sublinear_tf=True,
        min_df=MIN_DF,
        max_features=MAX_FEATURES,
        dtype=np.float64,
    )
    try:
        vectorizer.fit(train_texts)
    except ValueError as error:
        raise ValueError(
            f"too few examples: no character n-gram occurs in {MIN_DF} training texts ({error})"
        ) from error
    # the regression learns from the same transform the model predicts with (the vectoriser's own
    # transform is the same sum, in another order)
    tfidf = _Tfidf(
        sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__), vectorizer.idf_, NGRAM_RANGE
    )
    regression = LogisticRegression(C=C, class_weight="balanced", max_iter=MAX_ITER, random_state=seed)
    # one BLAS and OpenMP thread: on matrices this size the threads cost far more in waiting on each other
    # than they save (measured: 0.08 s in one thread against 0.3 to 1 s in two, on 324 posts)
    with threadpool_limits(limits=1):
        regression.fit(tfidf.transform(train_texts), train_labels)
    model = CharNgramClassifier(
        name=name,
        labels=[str(label) for label in regression.classes_],
        vocabulary=tfidf.vocabulary,
        idf=tfidf.idf,
        coef=regression.coef_,
        intercept=regression.intercept_,
    )

    rows = model.probabilities([normalised[i] for i in split.test])
    predicted = [model.labels[j] for j in rows.argmax(axis=1)]
    precision, recall, f1, support = precision_recall_fscore_support(
        [labels[i] for i in split.test], predicted, labels=list(split.evaluated), zero_division=0
    )
    report = TrainingReport(
        name=name,
        scores=tuple(
            LabelScore(label, float(p), float(r), float(f), int(s))
            for label, p, r, f, s in zip(split.evaluated, precision, recall, f1, support, strict=True)
        ),
        macro_precision=float(np.mean(precision)),
        macro_recall=float(np.mean(recall)),
        macro_f1=float(np.mean(f1)),
        n_train=len(split.train),
        n_test=len(split.test),
        skipped=split.skipped,
        held_out=held_out,
        seed=seed,
    )
    model.report = report
    return Training(model, report)
