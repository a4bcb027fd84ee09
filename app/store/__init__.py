"""The conversation database: conversations, the message tree, search, annotations, migrations.

``from app.store import Store, Conversation, Message`` is the stable entry point.
"""

from app.store.annotations import Feedback, MemoryFact, Summary, Verdict
from app.store.database import Store
from app.store.prompt_records import PromptRecord, RecordedPart
from app.store.records import Conversation, ImportedMessage, Message, MessageStatus, Role, SearchHit
from app.store.schema import Base

__all__ = [
    "Base",
    "Conversation",
    "Feedback",
    "ImportedMessage",
    "MemoryFact",
    "Message",
    "MessageStatus",
    "PromptRecord",
    "RecordedPart",
    "Role",
    "SearchHit",
    "Store",
    "Summary",
    "Verdict",
]
