"""Which persona card a conversation runs with: the card in the library while it can be read, else the snapshot
the conversation pinned, so deleting or breaking a card never makes its conversations uncontinuable.

Every turn pins the card in effect (:meth:`PersonaPins.pin`): a new content hash is stored as a new version and
the conversation moves to it. Reading a conversation (:meth:`PersonaPins.persona`) never writes.
"""

from __future__ import annotations

from app.errors import PersonaError
from app.personas import Persona, PersonaLibrary, parse_card
from app.store import Conversation, PersonaVersion, Store
from app.store.catalog import PersonaSource


def card_source(persona: Persona) -> PersonaSource:
    """``builtin`` for the cards shipped with the app, ``user`` for the learner's own (the library does not
    tell imported cards from those made here: an import records its card as ``imported`` at once, see
    :meth:`PersonaPins.record_import`, and a version keeps the source it was first recorded with)."""
    return "builtin" if persona.builtin else "user"


def snapshot_persona(version: PersonaVersion) -> Persona:
    """The persona a stored card version describes (no avatar: the picture went with the card file)."""
    return parse_card(version.card, version.persona_id, builtin=version.source == "builtin")


class PersonaPins:
    """Resolves and pins the persona card of conversations, through the store."""

    def __init__(self, store: Store, library: PersonaLibrary) -> None:
        self.store = store
        self.library = library

    def record(self, persona: Persona) -> PersonaVersion:
        """The stored version of ``persona``'s card as it is now."""
        return self.store.record_persona_version(persona.id, persona.name, persona.card, card_source(persona))

    def record_import(self, persona: Persona) -> PersonaVersion:
        """Keep a copy of a card just imported, marked ``imported``: conversations with it until it is edited
        pin this version, so where their card came from stays known."""
        return self.store.record_persona_version(persona.id, persona.name, persona.card, "imported")

    def persona(self, conversation: Conversation) -> Persona:
        """The conversation's persona: its card from the library, else the pinned snapshot.

        Raises :class:`PersonaError` when the card is gone and the conversation (from before card versions
        were kept) pinned none.
        """
        try:
            return self.library.get(conversation.persona_id)
        except PersonaError as exc:
            if conversation.persona_version_id is None:
                raise PersonaError(
                    f"{exc} This conversation is older than saved persona copies, so it cannot go on without it."
                ) from None
            return snapshot_persona(self.store.persona_version(conversation.persona_version_id))

    def name_of(self, conversation: Conversation) -> str:
        """The name of the persona ``conversation`` runs with: its card's, else the pinned copy's, else as
        :meth:`name` finds it (a conversation from before copies were kept)."""
        try:
            return self.persona(conversation).name
        except PersonaError:
            return self.name(conversation.persona_id)

    def pin(self, conversation: Conversation) -> tuple[Persona, int | None]:
        """The persona a new turn runs with and its version id; the conversation moves to the card's current
        version when the card changed since the last turn."""
        try:
            persona = self.library.get(conversation.persona_id)
        except PersonaError:
            return self.persona(conversation), conversation.persona_version_id
        version = self.record(persona)
        if version.id != conversation.persona_version_id:
            self.store.pin_persona_version(conversation.id, version.id)
        return persona, version.id

    def name(self, persona_id: str) -> str:
        """A persona's name for lists: from its card, else from the newest copy kept of it, else its id."""
        try:
            return self.library.get(persona_id).name
        except PersonaError:
            kept = self.store.persona_versions(persona_id)
            return kept[-1].name if kept else persona_id
