"""What the regression tools remember: flagged replies answered again (``feedback replay``) and persona test
bench runs. A mixin of :class:`app.store.Store`, kept apart to keep each module small.

A replay is never a message: the conversation stays exactly as the learner left it.
"""

from __future__ import annotations

import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.schema import ProbeRunRow, ReplayRow


@dataclass(frozen=True)
class StoredReplay:
    id: int
    feedback_id: int
    message_id: int
    model: str
    persona_id: str
    persona_hash: str | None
    reply: str
    finish_reason: str
    before: dict[str, Any]  # {"consistency": badge, "accuracy": badge}
    after: dict[str, Any] | None
    outcome: str
    created_at: datetime
    stay_in_character: bool = False  # replayed with "stay in character" (an off-persona reply written twice)


@dataclass(frozen=True)
class ProbeRun:
    id: int
    persona_id: str
    card_hash: str
    model: str
    topic: str
    results: list[dict[str, Any]]  # app.persona_probe.ProbeResult.to_json() per probe
    created_at: datetime


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class Replays:
    def _session(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    def add_replay(
        self,
        feedback_id: int,
        message_id: int,
        model: str,
        persona_id: str,
        persona_hash: str | None,
        reply: str,
        finish_reason: str,
        before: dict[str, Any],
        after: dict[str, Any] | None,
        outcome: str,
        stay_in_character: bool = False,
    ) -> StoredReplay:
        with self._session() as session:
            row = ReplayRow(
                feedback_id=feedback_id,
                message_id=message_id,
                model=model,
                persona_id=persona_id,
                persona_hash=persona_hash,
                reply=reply,
                finish_reason=finish_reason,
                before_json=_json(before),
                after_json=_json(after) if after is not None else None,
                outcome=outcome,
                stay_in_character=stay_in_character,
            )
            session.add(row)
            session.flush()
            return _replay(row)

    def replays(self, message_id: int | None = None) -> list[StoredReplay]:
        """Replays of one reply, or all of them when ``message_id`` is None, oldest first."""
        query = select(ReplayRow).order_by(ReplayRow.id)
        if message_id is not None:
            query = query.where(ReplayRow.message_id == message_id)
        with self._session() as session:
            return [_replay(r) for r in session.scalars(query)]

    def add_probe_run(
        self, persona_id: str, card_hash: str, model: str, topic: str, results: list[dict[str, Any]]
    ) -> ProbeRun:
        with self._session() as session:
            row = ProbeRunRow(
                persona_id=persona_id, card_hash=card_hash, model=model, topic=topic, results_json=_json(results)
            )
            session.add(row)
            session.flush()
            return _probe_run(row)

    def probe_runs(self, persona_id: str) -> list[ProbeRun]:
        """Every test bench run of a persona, newest first."""
        query = select(ProbeRunRow).where(ProbeRunRow.persona_id == persona_id).order_by(ProbeRunRow.id.desc())
        with self._session() as session:
            return [_probe_run(r) for r in session.scalars(query)]


def _replay(row: ReplayRow) -> StoredReplay:
    return StoredReplay(
        row.id, row.feedback_id, row.message_id, row.model, row.persona_id, row.persona_hash, row.reply,
        row.finish_reason, json.loads(row.before_json), json.loads(row.after_json) if row.after_json else None,
        row.outcome, row.created_at, row.stay_in_character,
    )  # fmt: skip


def _probe_run(row: ProbeRunRow) -> ProbeRun:
    return ProbeRun(
        row.id, row.persona_id, row.card_hash, row.model, row.topic, json.loads(row.results_json), row.created_at
    )
