"""What conversations refer to: the persona card versions they ran with, and the topics. A mixin of
:class:`app.store.Store`, kept apart to keep each module small.

A persona version is a snapshot of a card's content, stored once per distinct content (its sha256), so a
conversation can be opened and continued after its card was deleted or became unreadable, and a reply can be
traced to the exact card that wrote it.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from app.errors import StoreError
from app.store.schema import ConversationRow, MessageRow, PersonaVersionRow, TopicRow, now

PersonaSource = Literal["builtin", "imported", "user"]
TopicSource = Literal["builtin", "pack", "typed"]


def _topic_key(text: str) -> str:
    """How topic names compare: ignoring case and spacing (as :func:`app.topics.known_topic` does)."""
    return " ".join(text.split()).casefold()


def _topic_names(session: Session) -> dict[str, str]:
    """Every name of a recorded topic (its id, title and Chinese title) → its id; a built-in or pack topic
    wins over a typed one of the same name. Migration 0010 backfilled ``conversations.topic_id`` so."""
    rows = session.execute(
        select(TopicRow.id, TopicRow.title, TopicRow.title_zh).order_by(TopicRow.source == "typed", TopicRow.id)
    )
    names: dict[str, str] = {}
    for topic_id, title, title_zh in rows:
        for name in (topic_id, title, title_zh):
            if name.strip():
                names.setdefault(_topic_key(name), topic_id)
    return names


def topic_id_for(session: Session, topic: str) -> str | None:
    """The id of the recorded topic ``topic`` names, if one does (what a new conversation links)."""
    return _topic_names(session).get(_topic_key(topic))


def _link_topics(session: Session) -> None:
    """Link the conversations that named a topic before it was recorded (those of the first releases too)."""
    unlinked = select(ConversationRow.topic).where(ConversationRow.topic_id.is_(None)).distinct()
    texts = session.scalars(unlinked).all()  # through a partial index: cheap once every conversation is linked
    names = _topic_names(session) if texts else {}
    for wording in texts:
        topic_id = names.get(_topic_key(wording))
        if topic_id is not None:
            linked = update(ConversationRow).where(ConversationRow.topic_id.is_(None), ConversationRow.topic == wording)
            session.execute(linked.values(topic_id=topic_id))


@dataclass(frozen=True)
class PersonaVersion:
    id: int
    persona_id: str
    name: str
    content_hash: str
    card: dict[str, Any]
    source: str
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        """The reference a conversation shows (``conversations show --json``)."""
        return {"id": self.id, "content_hash": self.content_hash}


@dataclass(frozen=True)
class TopicRecord:
    id: str
    title: str
    title_zh: str
    source: str
    created_at: datetime


def canonical_card_json(card: dict[str, Any]) -> str:
    """The card as canonical JSON (sorted keys, no spaces): equal content gives equal text, hence equal hash."""
    return json.dumps(card, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def card_hash(card: dict[str, Any]) -> str:
    """sha256 of :func:`canonical_card_json`, in hex."""
    return hashlib.sha256(canonical_card_json(card).encode("utf-8")).hexdigest()


class Catalog:
    def _session(self) -> AbstractContextManager[Session]:  # provided by Store
        raise NotImplementedError

    # Persona versions

    def record_persona_version(
        self, persona_id: str, name: str, card: dict[str, Any], source: PersonaSource
    ) -> PersonaVersion:
        """The stored version with this card content, added when it is new (safe when two processes race)."""
        text = canonical_card_json(card)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        with self._session() as session:
            values = {"persona_id": persona_id, "name": name, "content_hash": digest, "card_json": text}
            statement = insert(PersonaVersionRow).values(**values, source=source, created_at=now())
            session.execute(statement.on_conflict_do_nothing(index_elements=["persona_id", "content_hash"]))
            row = session.scalars(
                select(PersonaVersionRow).where(
                    PersonaVersionRow.persona_id == persona_id, PersonaVersionRow.content_hash == digest
                )
            ).one()
            return _persona_version(row)

    def persona_version(self, version_id: int) -> PersonaVersion:
        with self._session() as session:
            row = session.get(PersonaVersionRow, version_id)
            if row is None:
                raise StoreError(f"No persona version with id {version_id}.")
            return _persona_version(row)

    def persona_versions(self, persona_id: str) -> list[PersonaVersion]:
        """Every stored version of a persona's card, oldest first."""
        with self._session() as session:
            query = select(PersonaVersionRow).where(PersonaVersionRow.persona_id == persona_id)
            return [_persona_version(r) for r in session.scalars(query.order_by(PersonaVersionRow.id))]

    def pin_persona_version(self, conversation_id: int, version_id: int) -> None:
        """Make ``version_id`` the card version conversation ``conversation_id`` runs with from now on."""
        with self._session() as session:
            pinned = update(ConversationRow).values(persona_version_id=version_id)
            result = session.execute(pinned.where(ConversationRow.id == conversation_id))
            if not result.rowcount:  # type: ignore[attr-defined]
                raise StoreError(f"No conversation with id {conversation_id}.")

    def set_message_persona_version(self, message_id: int, version_id: int) -> None:
        """Record which card version wrote message ``message_id``."""
        with self._session() as session:
            session.execute(update(MessageRow).where(MessageRow.id == message_id).values(persona_version_id=version_id))

    # Topics

    def record_topics(self, topics: list[tuple[str, str, str]], source: TopicSource) -> None:
        """Add or update topics given as ``(id, title, title_zh)`` (the built-in ones and topic packs)."""
        if not topics:
            return
        with self._session() as session:
            for topic_id, title, title_zh in topics:
                statement = insert(TopicRow).values(
                    id=topic_id, title=title, title_zh=title_zh, source=source, created_at=now()
                )
                session.execute(
                    statement.on_conflict_do_update(
                        index_elements=["id"], set_={"title": title, "title_zh": title_zh, "source": source}
                    )
                )
            _link_topics(session)

    def record_typed_topic(self, title: str) -> TopicRecord:
        """A topic the learner typed (kept once per wording, ignoring case and spacing)."""
        cleaned = " ".join(title.split())
        topic_id = f"typed:{cleaned.casefold()}"
        with self._session() as session:
            session.execute(
                insert(TopicRow)
                .values(id=topic_id, title=cleaned, title_zh="", source="typed", created_at=now())
                .on_conflict_do_nothing(index_elements=["id"])
            )
            _link_topics(session)
            row = session.get(TopicRow, topic_id)
            assert row is not None
            return _topic(row)

    def topics(self) -> list[TopicRecord]:
        """Every known topic: the built-in ones and packs first, then the learner's, each oldest first."""
        with self._session() as session:
            query = select(TopicRow).order_by(TopicRow.source == "typed", TopicRow.created_at, TopicRow.id)
            rows = session.scalars(query)
            return [_topic(r) for r in rows]


def _persona_version(row: PersonaVersionRow) -> PersonaVersion:
    return PersonaVersion(
        row.id, row.persona_id, row.name, row.content_hash, json.loads(row.card_json), row.source, row.created_at
    )


def _topic(row: TopicRow) -> TopicRecord:
    return TopicRecord(row.id, row.title, row.title_zh, row.source, row.created_at)
