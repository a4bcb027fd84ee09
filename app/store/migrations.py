"""Append-only, named schema migrations, and the backup taken before they touch a database with data.

Each migration runs once, in order, inside one ``BEGIN IMMEDIATE`` transaction on a plain sqlite3 connection
(Python's sqlite3 would otherwise autocommit DDL statement by statement), and its name is recorded in
``schema_migrations``. Never edit a released migration; add a new one at the end.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

from app.store.schema import now

MIGRATIONS: list[tuple[str, list[str]]] = [
    (
        "0001_conversations_and_messages",
        [
            """CREATE TABLE conversations (
                id INTEGER NOT NULL PRIMARY KEY,
                persona_id VARCHAR NOT NULL,
                topic VARCHAR NOT NULL,
                model VARCHAR NOT NULL,
                title VARCHAR NOT NULL,
                created_at DATETIME NOT NULL,
                updated_at DATETIME NOT NULL
            )""",
            """CREATE TABLE messages (
                id INTEGER NOT NULL PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                parent_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
                role VARCHAR NOT NULL,
                content VARCHAR NOT NULL,
                status VARCHAR NOT NULL,
                error VARCHAR,
                created_at DATETIME NOT NULL,
                ttft_s FLOAT,
                prompt_tokens INTEGER,
                cached_prompt_tokens INTEGER,
                generated_tokens INTEGER,
                tokens_per_s FLOAT
            )""",
            "CREATE INDEX ix_messages_conversation_id ON messages (conversation_id)",
        ],
    ),
    (
        "0002_organize_branch_and_annotate",
        [
            "ALTER TABLE conversations ADD COLUMN sampler_json VARCHAR",
            "ALTER TABLE conversations ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT 0",
            "ALTER TABLE conversations ADD COLUMN archived BOOLEAN NOT NULL DEFAULT 0",
            "ALTER TABLE conversations ADD COLUMN deleted_at DATETIME",
            "ALTER TABLE messages ADD COLUMN active BOOLEAN NOT NULL DEFAULT 1",
            "ALTER TABLE messages ADD COLUMN writer_pid INTEGER",
            """CREATE TABLE message_verdicts (
                id INTEGER NOT NULL PRIMARY KEY,
                message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
                checker VARCHAR NOT NULL,
                checker_version VARCHAR NOT NULL,
                verdict_json VARCHAR NOT NULL,
                created_at DATETIME NOT NULL
            )""",
            "CREATE INDEX ix_message_verdicts_message_id ON message_verdicts (message_id)",
            """CREATE TABLE feedback (
                id INTEGER NOT NULL PRIMARY KEY,
                message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
                thumbs INTEGER,
                reasons_json VARCHAR NOT NULL,
                ratings_json VARCHAR NOT NULL,
                comment VARCHAR,
                better_reply VARCHAR,
                created_at DATETIME NOT NULL
            )""",
            "CREATE INDEX ix_feedback_message_id ON feedback (message_id)",
            """CREATE TABLE summaries (
                id INTEGER NOT NULL PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                first_message_id INTEGER NOT NULL,
                last_message_id INTEGER NOT NULL,
                text VARCHAR NOT NULL,
                created_at DATETIME NOT NULL
            )""",
            "CREATE INDEX ix_summaries_conversation_id ON summaries (conversation_id)",
            """CREATE TABLE learner_memory (
                id INTEGER NOT NULL PRIMARY KEY,
                learner VARCHAR NOT NULL,
                topic VARCHAR NOT NULL,
                fact VARCHAR NOT NULL,
                source_message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
                created_at DATETIME NOT NULL
            )""",
            "CREATE INDEX ix_learner_memory_learner_topic ON learner_memory (learner, topic)",
        ],
    ),
    (
        # Trigram tokens make substring search work for Chinese, which has no spaces between words.
        # External content: the index holds no second copy of the text; the triggers keep it in step.
        "0003_message_search",
        [
            "CREATE VIRTUAL TABLE messages_fts USING fts5("
            "content, content='messages', content_rowid='id', tokenize='trigram')",
            "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
            "INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content); END",
            "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
            "INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content); END",
            "CREATE TRIGGER messages_fts_update AFTER UPDATE OF content ON messages BEGIN "
            "INSERT INTO messages_fts (messages_fts, rowid, content) VALUES ('delete', old.id, old.content); "
            "INSERT INTO messages_fts (rowid, content) VALUES (new.id, new.content); END",
            "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')",
        ],
    ),
    (
        # Feedback remembers which alternative was picked as the better reply, and the learner's review of the
        # checker's verdict (a disputed badge is feedback on the checker).
        "0004_feedback_alternatives_and_verdict_review",
        [
            "ALTER TABLE feedback ADD COLUMN better_message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL",
            "ALTER TABLE feedback ADD COLUMN verdict_id INTEGER REFERENCES message_verdicts (id) ON DELETE SET NULL",
            "ALTER TABLE feedback ADD COLUMN verdict_review_json VARCHAR",
        ],
    ),
    (
        # A conversation pins the persona card version it runs with (a snapshot that survives the card being
        # deleted or edited), and each reply records the version that wrote it. Older rows stay NULL.
        "0005_personas_topics",
        [
            """CREATE TABLE persona_versions (
                id INTEGER NOT NULL PRIMARY KEY,
                persona_id VARCHAR NOT NULL,
                name VARCHAR NOT NULL,
                content_hash VARCHAR NOT NULL,
                card_json VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                created_at DATETIME NOT NULL
            )""",
            "CREATE UNIQUE INDEX ux_persona_versions_persona_id_content_hash "
            "ON persona_versions (persona_id, content_hash)",
            """CREATE TABLE topics (
                id VARCHAR NOT NULL PRIMARY KEY,
                title VARCHAR NOT NULL,
                title_zh VARCHAR NOT NULL,
                source VARCHAR NOT NULL,
                created_at DATETIME NOT NULL
            )""",
            "ALTER TABLE conversations ADD COLUMN persona_version_id INTEGER "
            "REFERENCES persona_versions (id) ON DELETE SET NULL",
            "ALTER TABLE messages ADD COLUMN persona_version_id INTEGER "
            "REFERENCES persona_versions (id) ON DELETE SET NULL",
        ],
    ),
    (
        # What the model saw for each reply, for the prompt inspector (parts and template compressed in ``body``).
        "0006_prompt_records",
        [
            """CREATE TABLE prompt_records (
                message_id INTEGER NOT NULL PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
                model VARCHAR NOT NULL,
                model_source VARCHAR NOT NULL,
                backend VARCHAR NOT NULL,
                context_size INTEGER NOT NULL,
                sampler_json VARCHAR NOT NULL,
                prompt_tokens INTEGER NOT NULL,
                cached_prompt_tokens INTEGER NOT NULL,
                estimated BOOLEAN NOT NULL,
                body BLOB NOT NULL,
                created_at DATETIME NOT NULL
            )""",
        ],
    ),
    (
        # Learning: a goal and a level per conversation, and the quizzes the persona gives, graded per question.
        "0007_learning",
        [
            "ALTER TABLE conversations ADD COLUMN goal VARCHAR NOT NULL DEFAULT ''",
            "ALTER TABLE conversations ADD COLUMN level VARCHAR NOT NULL DEFAULT ''",
            """CREATE TABLE quizzes (
                id INTEGER NOT NULL PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                topic VARCHAR NOT NULL,
                language VARCHAR NOT NULL,
                message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
                score FLOAT,
                total INTEGER NOT NULL,
                created_at DATETIME NOT NULL,
                graded_at DATETIME
            )""",
            "CREATE INDEX ix_quizzes_conversation_id ON quizzes (conversation_id)",
            """CREATE TABLE quiz_questions (
                id INTEGER NOT NULL PRIMARY KEY,
                quiz_id INTEGER NOT NULL REFERENCES quizzes (id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                key_index INTEGER NOT NULL,
                question VARCHAR NOT NULL,
                answer_key VARCHAR NOT NULL,
                learner_answer VARCHAR,
                verdict VARCHAR,
                correct BOOLEAN
            )""",
            "CREATE INDEX ix_quiz_questions_quiz_id ON quiz_questions (quiz_id)",
        ],
    ),
    (
        # The facts ledger: what a conversation established (the learner's name and level, corrections, story
        # facts), per conversation; learner_memory stays the cross-conversation store.
        "0008_facts_ledger",
        [
            """CREATE TABLE facts_ledger (
                id INTEGER NOT NULL PRIMARY KEY,
                conversation_id INTEGER NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
                kind VARCHAR NOT NULL,
                subject VARCHAR NOT NULL,
                text VARCHAR NOT NULL,
                source_message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
                created_at DATETIME NOT NULL,
                edited BOOLEAN NOT NULL DEFAULT 0,
                active BOOLEAN NOT NULL DEFAULT 1
            )""",
            "CREATE INDEX ix_facts_ledger_conversation_id ON facts_ledger (conversation_id)",
        ],
    ),
    (
        # Flagged replies answered again with the current model and card (stored apart from the conversation),
        # and persona test bench runs, so a card's versions and models can be compared.
        "0009_replays",
        [
            """CREATE TABLE replays (
                id INTEGER NOT NULL PRIMARY KEY,
                feedback_id INTEGER NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
                message_id INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
                model VARCHAR NOT NULL,
                persona_id VARCHAR NOT NULL,
                persona_hash VARCHAR,
                reply VARCHAR NOT NULL,
                finish_reason VARCHAR NOT NULL,
                before_json VARCHAR NOT NULL,
                after_json VARCHAR,
                outcome VARCHAR NOT NULL,
                created_at DATETIME NOT NULL
            )""",
            "CREATE INDEX ix_replays_message_id ON replays (message_id)",
            """CREATE TABLE probe_runs (
                id INTEGER NOT NULL PRIMARY KEY,
                persona_id VARCHAR NOT NULL,
                card_hash VARCHAR NOT NULL,
                model VARCHAR NOT NULL,
                topic VARCHAR NOT NULL,
                results_json VARCHAR NOT NULL,
                created_at DATETIME NOT NULL
            )""",
            "CREATE INDEX ix_probe_runs_persona_id ON probe_runs (persona_id)",
        ],
    ),
    (
        # A conversation links the recorded topic its topic text names: its id, title or Chinese title, ignoring
        # case and outer spaces, a built-in or pack topic before a typed one (names looked up in a temporary
        # table: comparing every conversation with every topic takes seconds on a large history).
        "0010_conversation_topics",
        [
            "ALTER TABLE conversations ADD COLUMN topic_id VARCHAR REFERENCES topics (id) ON DELETE SET NULL",
            "CREATE INDEX ix_conversations_topic_unlinked ON conversations (topic) WHERE topic_id IS NULL",
            "CREATE TEMP TABLE topic_names (name VARCHAR NOT NULL PRIMARY KEY, id VARCHAR NOT NULL)",
            """INSERT OR IGNORE INTO topic_names (name, id)
            SELECT name, id FROM (
                SELECT lower(trim(id)) AS name, id, source = 'typed' AS late FROM topics
                UNION ALL SELECT lower(trim(title)), id, source = 'typed' FROM topics
                UNION ALL SELECT lower(trim(title_zh)), id, source = 'typed' FROM topics WHERE trim(title_zh) != ''
            ) ORDER BY late, id""",
            "UPDATE conversations SET topic_id = (SELECT id FROM topic_names WHERE name = lower(trim(topic)))",
            "DROP TABLE temp.topic_names",
        ],
    ),
    (
        # A replay remembers whether it ran with "stay in character" (an off-persona new reply written twice).
        "0011_replay_modes",
        ["ALTER TABLE replays ADD COLUMN stay_in_character BOOLEAN NOT NULL DEFAULT 0"],
    ),
    (
        # The sidebar's order (pinned first, then the latest): a page of it comes straight from this index, where
        # SQLite sorted every conversation to read one (10 ms for 10,000 each time the sidebar is read).
        "0012_sidebar_order",
        ["CREATE INDEX ix_conversations_sidebar ON conversations (pinned, updated_at, id) WHERE deleted_at IS NULL"],
    ),
]

KNOWN = [name for name, _ in MIGRATIONS]


def applied(connection: sqlite3.Connection) -> list[str]:
    """Names of the migrations recorded in the database (empty for a new file)."""
    has_table = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if not has_table:
        return []
    return [row[0] for row in connection.execute("SELECT name FROM schema_migrations ORDER BY rowid")]


def _has_data(connection: sqlite3.Connection) -> bool:
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "conversations" not in tables:
        return False
    return connection.execute("SELECT 1 FROM conversations LIMIT 1").fetchone() is not None


def backup_to(source: sqlite3.Connection, target: Path) -> Path:
    """Copy a live database with SQLite's online backup API (consistent even while others write)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.unlink(missing_ok=True)
    destination = sqlite3.connect(tmp)
    try:
        source.backup(destination)
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()
    tmp.replace(target)
    return target


def backups_dir(database: Path) -> Path:
    return database.parent / "backups"


def timestamped(database: Path, reason: str) -> Path:
    return backups_dir(database) / f"{database.stem}-{reason}-{datetime.now():%Y%m%d-%H%M%S-%f}.db"


def migrate(database: Path) -> Path | None:
    """Bring ``database`` to the newest schema; returns the backup taken first, if there was data to protect."""
    connection = sqlite3.connect(database, isolation_level=None, timeout=30)
    try:
        done = applied(connection)
        unknown = [name for name in done if name not in KNOWN]
        if unknown:
            from app.errors import StoreError

            raise StoreError(
                f"{database} was written by a newer Persona Tutor (schema {unknown[-1]}); update the app to open it."
            )
        pending = [(name, steps) for name, steps in MIGRATIONS if name not in done]
        if not pending:
            return None
        backup = None
        if _has_data(connection):
            backup = backup_to(connection, timestamped(database, f"before-{pending[0][0]}"))
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (name VARCHAR PRIMARY KEY, applied_at DATETIME)"
            )
            done = applied(connection)  # another process may have migrated while we waited for the lock
            for name, steps in MIGRATIONS:
                if name in done:
                    continue
                for statement in steps:
                    connection.execute(statement)
                connection.execute(
                    "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (name, now().isoformat(" "))
                )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        return backup
    finally:
        connection.close()
