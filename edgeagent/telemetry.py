"""Decision log in SQLite (WAL mode): the raw material for offload reports and distillation.

Escalations are stored as columns (``trigger``, ``escalation_rule``, ``threshold_needed``, ``cloud_outcome``,
``fallback``, ``local_confidence``, ``unfamiliarity``) next to the sentence people read
(``escalation_reason``), so reports group by fields, never by parsing prose. Logs written
before these columns existed are migrated in place when opened (the new columns stay empty
for old rows).

Durability: each step is committed before :meth:`Telemetry.record` returns (and so before the
agent returns or prints it). In WAL mode with ``synchronous=NORMAL`` a committed transaction
survives the process being killed (``kill -9``: the data is in the operating system's
buffers); only a power loss or kernel crash may lose the last ones. ``fsync=True``
(``synchronous=FULL``) makes them survive that too, at the cost of one sync per decision.

A database that cannot be written (locked by another process, read-only, corrupt, its folder
gone) never stops the agent: the problem is reported once through ``on_problem``, records
wait in memory (at most ``max_pending``; the oldest are dropped past that, and counted), and
are written in order as soon as the database is back (retried at most every ``retry_s``).
Records still waiting when the process dies are lost; ``pending`` says how many wait.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from edgeagent.datamodel import Decision, Observation, StepResult
from edgeagent.errors import ConfigError
from edgeagent.toolset import Toolset

log = logging.getLogger(__name__)

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


_INSERT_DECISION = (
    f"INSERT INTO decisions ({', '.join(_DECISION_COLUMNS)})"
    f" VALUES ({', '.join('?' * len(_DECISION_COLUMNS))})"
)
_INSERT_TEACHER = (
    "INSERT INTO teacher_examples (ts, session, observation, tools, toolset, decision,"
    " local_decision, reason) VALUES (?,?,?,?,?,?,?,?)"
)
Row = tuple[Any, ...]


class Telemetry:
    """Append-only decision log. Thread-safe; one connection per instance.

    Args:
        path: the SQLite file (``:memory:`` for none).
        session: stored with every row.
        on_problem: told once when the log becomes unwritable and once when it is back
            (default: a logged warning).
        busy_timeout_s: how long a write waits for another process's lock.
        retry_s: how often a write to an unwritable log is tried again.
        max_pending: most records kept in memory while the log is unwritable.
        fsync: ``synchronous=FULL`` (survive power loss) instead of ``NORMAL`` (survive a kill).
    """

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        session: str | None = None,
        on_problem: Callable[[str], None] | None = None,
        busy_timeout_s: float = 0.5,
        retry_s: float = 2.0,
        max_pending: int = 10_000,
        fsync: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = str(path)
        self.session = session
        self.on_problem = on_problem or (lambda text: log.warning("%s", text))
        self.busy_timeout_s = busy_timeout_s
        self.retry_s = retry_s
        self.fsync = fsync
        self.clock = clock
        self.dropped = 0
        self._pending: deque[tuple[str, Row]] = deque(maxlen=max_pending)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._problem: str | None = None
        self._next_try = 0.0
        with self._lock:
            self._connect()

    # -- the connection ----------------------------------------------------------------------
    def _connect(self) -> bool:
        """Open the log (and create or migrate its tables); False, reported, if it cannot."""
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, check_same_thread=False, timeout=self.busy_timeout_s)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(f"PRAGMA synchronous={'FULL' if self.fsync else 'NORMAL'}")
                db.executescript(_SCHEMA)
                _migrate(db)
                db.commit()
            except BaseException:
                db.close()
                raise
        except (sqlite3.Error, OSError) as exc:
            self._fail(exc)
            return False
        self._db = db
        return True

    def _fail(self, exc: BaseException) -> None:
        self._next_try = self.clock() + self.retry_s
        if self._problem is None:
            self._problem = f"{type(exc).__name__}: {exc}"
            self.on_problem(
                f"the decision log {self.path} cannot be written ({self._problem}); the agent "
                f"goes on and keeps up to {self._pending.maxlen:,} records in memory until it "
                "can write them (they are lost if the process ends first)"
            )

    def _write(self, sql: str, row: Row) -> int:
        """Write one row after any waiting ones (under the lock); 0 when it waits instead."""
        blocked = self._db is None or bool(self._pending)
        if blocked and (self.clock() < self._next_try or not self._flush()):
            self._keep(sql, row)
            return 0
        assert self._db is not None
        try:
            cur = self._db.execute(sql, row)
            self._db.commit()
        except sqlite3.Error as exc:
            self._rollback()
            self._keep(sql, row)
            self._fail(exc)
            return 0
        return int(cur.lastrowid or 0)

    def _keep(self, sql: str, row: Row) -> None:
        if len(self._pending) == self._pending.maxlen:
            self.dropped += 1
        self._pending.append((sql, row))

    def _rollback(self) -> None:
        if self._db is None:
            return
        try:
            self._db.rollback()
        except sqlite3.Error:  # a corrupt file: start again from a fresh connection
            self._db.close()
            self._db = None

    def _flush(self) -> bool:
        """Reconnect if needed and write the waiting records in order; True when none wait."""
        if self._db is None and not self._connect():
            return False
        assert self._db is not None
        written = 0
        try:
            while self._pending:
                sql, row = self._pending[0]
                self._db.execute(sql, row)
                self._db.commit()
                self._pending.popleft()
                written += 1
        except sqlite3.Error as exc:
            self._rollback()
            self._fail(exc)
            return False
        if self._problem is not None:
            lost = f"; {self.dropped:,} older ones were dropped" if self.dropped else ""
            self.on_problem(
                f"the decision log {self.path} is writable again: wrote {written:,} waiting "
                f"records{lost}"
            )
            self._problem = None
        return True

    @property
    def pending(self) -> int:
        """Records waiting in memory for the log to be writable."""
        with self._lock:
            return len(self._pending)

    @property
    def problem(self) -> str | None:
        """Why the log cannot be written now (None: it can)."""
        with self._lock:
            return self._problem

    # -- writing -----------------------------------------------------------------------------
    def record(self, step: StepResult) -> int:
        """Store one step, committed before this returns; its row id (0: it waits in memory
        because the log cannot be written now)."""
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
        with self._lock:
            return self._write(_INSERT_DECISION, row)

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
            return self._write(_INSERT_TEACHER, row)

    def flush(self) -> bool:
        """Try to write the waiting records now; True when none wait."""
        with self._lock:
            return self._flush()

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
            db = self._readable()
            cur = db.execute(query, params)
            names = [c[0] for c in cur.description]
            fetched = cur.fetchall()
        for values in fetched:
            row = dict(zip(names, values, strict=True))
            for key in json_columns:
                if row[key] is not None:
                    row[key] = json.loads(row[key])
            yield row

    def _readable(self) -> sqlite3.Connection:
        """The connection, after writing what waits (a ConfigError if the log is unusable)."""
        self._flush()
        if self._db is None:
            raise ConfigError(f"the decision log {self.path} cannot be read: {self._problem}")
        return self._db

    def count(self) -> int:
        with self._lock:
            db = self._readable()
            return int(db.execute("SELECT COUNT(*) FROM decisions").fetchone()[0])

    def close(self) -> None:
        """Write what waits if the log is back, then close (what still waits is reported)."""
        with self._lock:
            if self._pending and not self._flush():
                self.on_problem(
                    f"{len(self._pending):,} records could not be written to {self.path}"
                )
            if self._db is not None:
                self._db.close()
                self._db = None

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
