"""Trained classifiers: where they live (``SENIM_MODEL_DIR/<name>/``), loaded once and reloaded when a new
training replaces them, and the examples ``senim detection train`` learns from — moderators' decisions.

An example is the text of a post or comment and what a person decided about it: the taxonomy category
of a removal, restriction or age restriction in force, or ``none`` for "no violation" (a decision
reversed on appeal counts as "no violation": the appeal found the first decision wrong). Automated
decisions are left out, so a model never learns from its own output.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from senim.config import get_settings
from senim.detection.classifier import MODEL_FILE, NEGATIVE, CharNgramClassifier, TextClassifier
from senim.models import ContentItem, Decision, DecisionStatus
from senim.moderation.policy import Action, Automation

RESTRICTING = (Action.remove, Action.geo_restrict, Action.age_restrict, Action.require_author_delete)


def training_examples(session: Session) -> list[tuple[str, str]]:
    """(text, label) for every post or comment a person decided about; the latest decision wins."""
    rows = session.execute(
        select(Decision.item_id, Decision.action, Decision.category, Decision.status, ContentItem.body)
        .join(ContentItem, ContentItem.id == Decision.item_id)
        .where(Decision.decided_by_id.is_not(None), Decision.automated_decision == Automation.not_automated)
        .order_by(Decision.decided_at)
    )
    latest: dict[object, tuple[str, str]] = {}
    for item_id, action, category, status, body in rows:
        if not body.strip():
            continue
        if action == Action.no_violation or status == DecisionStatus.reversed:
            latest[item_id] = (body, NEGATIVE)
        elif action in RESTRICTING and category:
            latest[item_id] = (body, category)
    return list(latest.values())


class Classifiers:
    """The trained models by name, cached until their files change."""

    def __init__(self) -> None:
        self._loaded: dict[str, tuple[float, TextClassifier]] = {}
        self._lock = threading.Lock()

    def path(self, name: str) -> Path:
        return get_settings().model_dir / name

    def load(self, names: Iterable[str]) -> dict[str, TextClassifier]:
        """Each named model that exists; a missing one is left out (its matcher finds nothing)."""
        found: dict[str, TextClassifier] = {}
        for name in names:
            marker = self.path(name) / MODEL_FILE
            if not marker.exists():
                continue
            stamp = marker.stat().st_mtime
            with self._lock:
                cached = self._loaded.get(name)
            if cached is None or cached[0] != stamp:
                cached = (stamp, CharNgramClassifier.load(self.path(name)))
                with self._lock:
                    self._loaded[name] = cached
            found[name] = cached[1]
        return found


classifiers = Classifiers()
