"""Decision log in SQLite (WAL mode): the raw material for offload reports and distillation.

Escalations are stored as columns (``trigger``, ``escalation_rule``, ``threshold_needed``, ``cloud_outcome``,
``fallback``, ``local_confidence``, ``unfamiliarity``) next to the sentence people read
(``escalation_reason``), so reports group by fields, never by parsing prose. Logs written
before these columns existed are migrated in place when opened (the new columns stay empty
for old rows).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from edgeagent.datamodel import Decision, Observation, StepResult
from edgeagent.errors import ConfigError
from edgeagent.toolset import Toolset

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,
    session TEXT,
    observation_id TEXT,
    utterance TEXT,
    observation TEXT NOT NULL,
    brain TEXT NOT NULL,
    tier TEXT,
    kind TEXT NOT NULL,
    confidence REAL NOT NULL,
    escalated INTEGER NOT NULL DEFAULT 0,
    escalation_reason TEXT,
    latency_ms REAL NOT NULL,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    calls TEXT NOT NULL,
    results TEXT NOT NULL,
    errors TEXT NOT NULL,
    changes TEXT NOT NULL,
    reason TEXT,
    raw TEXT,
    decision TEXT NOT NULL,
    trigger TEXT,
    escalation_rule TEXT,
    threshold_needed REAL,
    cloud_outcome TEXT,
    fallback TEXT,
    local_confidence REAL,
    unfamiliarity REAL
);
CREATE INDEX IF NOT EXISTS decisions_ts ON decisions (ts);
CREATE TABLE IF NOT EXISTS teacher_examples (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,
    session TEXT,
    observation TEXT NOT NULL,
    tools TEXT NOT NULL,
    toolset TEXT NOT NULL,
    decision TEXT NOT NULL,
    local_decision TEXT,
    reason TEXT
);
"""


# Columns added after the first release: added to older logs when they are opened.
_ADDED_COLUMNS = {
    "trigger": "TEXT",
    "escalation_rule": "TEXT",
    "threshold_needed": "REAL",
    "cloud_outcome": "TEXT",
    "fallback": "TEXT",
    "local_confidence": "REAL",
    "unfamiliarity": "REAL",
}
_DECISION_COLUMNS = (
    "ts", "session", "observation_id", "utterance", "observation", "brain", "tier", "kind",
    "confidence", "escalated", "escalation_reason", "latency_ms", "prompt_tokens",
    "completion_tokens", "calls", "results", "errors", "changes", "reason", "raw", "decision",
    *_ADDED_COLUMNS,
)  # fmt: skip


def _migrate(db: sqlite3.Connection) -> None:
    have = {row[1] for row in db.execute("PRAGMA table_info(decisions)")}
    for name, kind in _ADDED_COLUMNS.items():
        if name not in have:
            db.execute(f"ALTER TABLE decisions ADD COLUMN {name} {kind}")


class Telemetry:
    """Append-only decision log. Thread-safe; one connection per instance."""

    def __init__(self, path: str | Path = ":memory:", *, session: str | None = None) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.session = session
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=10.0)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(_SCHEMA)
        _migrate(self._db)
        self._db.commit()

    def record(self, step: StepResult) -> int:
        """Store one step; returns its row id."""
        d = step.decision
        errors = [r.error for r in step.results if r.error]
        esc = d.escalation
        row = (
            time.time(),
            self.session,
            step.observation.id,
            step.observation.utterance,
            step.observation.model_dump_json(),
            d.brain,
            d.tier,
            d.kind,
            d.confidence,
            int(d.escalated),
            d.escalation_reason,
            d.latency_ms,
            d.tokens.prompt,
            d.tokens.completion,
            json.dumps([c.model_dump() for c in d.calls]),
            json.dumps([r.model_dump() for r in step.results]),
            json.dumps(errors),
            json.dumps(step.changes),
            d.reason,
            d.raw,
            d.model_dump_json(),
            esc.trigger if esc else None,
            esc.rule if esc else None,
            esc.needed if esc else None,
            esc.cloud if esc else None,
            esc.fallback if esc else None,
            d.local_confidence if d.local_confidence is not None else d.confidence,
            d.unfamiliarity,
        )
        insert = (
            f"INSERT INTO decisions ({', '.join(_DECISION_COLUMNS)})"
            f" VALUES ({', '.join('?' * len(_DECISION_COLUMNS))})"
        )
        with self._lock:
            cur = self._db.execute(insert, row)
            self._db.commit()
            return int(cur.lastrowid or 0)

    def record_teacher(
        self,
        observation: Observation,
        toolset: Toolset,
        decision: Decision,
        local: Decision | None = None,
        reason: str = "",
    ) -> int:
        """Store a cloud decision as a teacher example (observation, toolset, decision)."""
        row = (
            time.time(),
            self.session,
            observation.model_dump_json(),
            json.dumps(toolset.names),
            toolset.fingerprint(),
            decision.model_dump_json(),
            local.model_dump_json() if local is not None else None,
            reason,
        )
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO teacher_examples (ts, session, observation, tools, toolset, decision,"
                " local_decision, reason) VALUES (?,?,?,?,?,?,?,?)",
                row,
            )
            self._db.commit()
            return int(cur.lastrowid or 0)

    def teacher_examples(self) -> Iterator[dict[str, Any]]:
        """Stored teacher examples, oldest first (JSON columns decoded)."""
        return self._select(
            "SELECT * FROM teacher_examples ORDER BY id",
            (),
            ("observation", "tools", "decision", "local_decision"),
        )

    def rows(self, since: float | None = None) -> Iterator[dict[str, Any]]:
        """Logged decisions as dicts, oldest first (JSON columns decoded)."""
        where, params = (" WHERE ts >= ?", (since,)) if since is not None else ("", ())
        return self._select(
            f"SELECT * FROM decisions{where} ORDER BY id",
            params,
            ("observation", "calls", "results", "errors", "changes", "decision"),
        )

    def _select(
        self, query: str, params: tuple[Any, ...], json_columns: tuple[str, ...]
    ) -> Iterator[dict[str, Any]]:
        """Run a query under the lock; yield rows as dicts with the JSON columns decoded."""
        with self._lock:
            cur = self._db.execute(query, params)
            names = [c[0] for c in cur.description]
            fetched = cur.fetchall()
        for values in fetched:
            row = dict(zip(names, values, strict=True))
            for key in json_columns:
                if row[key] is not None:
                    row[key] = json.loads(row[key])
            yield row

    def count(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Telemetry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_JSON_COLUMNS = ("observation", "calls", "results", "errors", "changes", "decision")


def read_decisions(
    path: str | Path, *, since: float | None = None, until: float | None = None
) -> list[dict[str, Any]]:
    """The decisions logged in ``[since, until)``, oldest first, read without disturbing a
    running agent (the log is opened read-only; JSON columns are decoded; columns a log from
    an older release lacks are None)."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"no decision log at {path}")
    where, params = [], []
    if since is not None:
        where.append("ts >= ?")
        params.append(since)
    if until is not None:
        where.append("ts < ?")
        params.append(until)
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10.0)
    except sqlite3.Error as exc:
        raise ConfigError(f"cannot open the decision log {path}: {exc}") from exc
    try:
        have = {row[1] for row in db.execute("PRAGMA table_info(decisions)")}
        if not have:
            raise ConfigError(f"{path} is not an edgeagent decision log (no decisions table)")
        columns = [c for c in _DECISION_COLUMNS if c in have]
        query = (
            f"SELECT {', '.join(columns)} FROM decisions"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY ts, id"
        )
        fetched = db.execute(query, params).fetchall()
    except sqlite3.Error as exc:
        raise ConfigError(f"{path} is not an edgeagent decision log: {exc}") from exc
    finally:
        db.close()
    out = []
    for values in fetched:
        row: dict[str, Any] = dict.fromkeys(_DECISION_COLUMNS)
        row.update(zip(columns, values, strict=True))
        for key in _JSON_COLUMNS:
            if row[key] is not None:
                row[key] = json.loads(row[key])
        out.append(row)
    return out
