"""The conversation database: conversations, the message tree, search, annotations, migrations.

``from app.store import Store, Conversation, Message`` is the stable entry point.
"""

from app.store.annotations import Feedback, MemoryFact, Summary, Verdict
from app.store.catalog import PersonaVersion, TopicRecord
from app.store.database import Store
from app.store.ledger import LedgerFact
from app.store.prompt_records import PromptRecord, RecordedPart
from app.store.quizzes import Grade, Quiz, QuizQuestion
from app.store.records import (
    Conversation,
    ConversationSummary,
    ImportedMessage,
    Message,
    MessageStatus,
    Role,
    SearchHit,
)
from app.store.replays import ProbeRun, StoredReplay
from app.store.schema import Base

__all__ = [
    "Base",
    "Conversation",
    "ConversationSummary",
    "Feedback",
    "Grade",
    "ImportedMessage",
    "LedgerFact",
    "MemoryFact",
    "Message",
    "MessageStatus",
    "PersonaVersion",
    "ProbeRun",
    "PromptRecord",
    "Quiz",
    "QuizQuestion",
    "RecordedPart",
    "Role",
    "SearchHit",
    "Store",
    "StoredReplay",
    "Summary",
    "TopicRecord",
    "Verdict",
]
