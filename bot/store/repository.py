"""The queries the core needs, each in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, and_, bindparam, delete, insert, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from bot.dialogue.state import Effect, FlowState
from bot.store.export import user_tables
from bot.store.models import RECORD_TABLES, FlowRun, User
from bot.store.types import utcnow

_USERS = User.__table__  # type: ignore[attr-defined]
_RUNS = FlowRun.__table__  # type: ignore[attr-defined]
RUN_COLUMNS = ("id", "flow", "step", "seq", "status", "state", "last_update_id")
# Built once, and read as plain rows: this runs on every update, and building a statement, or
# ORM objects from its row, costs more than running it.
_USER_AND_ACTIVE_RUN = (
    select(_USERS, *(_RUNS.c[name].label(f"run_{name}") for name in RUN_COLUMNS))
    .select_from(
        _USERS.outerjoin(_RUNS, and_(_RUNS.c.user_id == _USERS.c.id, _RUNS.c.status == "active"))
    )
    .where(_USERS.c.channel == bindparam("channel"), _USERS.c.external_id == bindparam("ext"))
    .order_by(_RUNS.c.id.desc())
    .limit(1)
)
# The SET clause comes from the parameters, so the statement is compiled once per set of
# columns, not rebuilt with its values every turn.
_WRITE_RUN = update(_RUNS).where(_RUNS.c.id == bindparam("run_key"))
_NEW_RUN = insert(_RUNS)
# A new user, unless another process has just inserted them: per dialect, values as parameters.
_NEW_USER = {
    "postgresql": postgresql.insert(_USERS).on_conflict_do_nothing(),
    "sqlite": sqlite.insert(_USERS).on_conflict_do_nothing(),
}


@dataclass(frozen=True)
class ActiveRun:
    """The columns of a user's active run that a turn reads."""

    id: int
    flow: str
    step: str
    seq: int
    status: str
    state: dict[str, Any]
    last_update_id: int | None


def load_user_and_run(
    session: Session, channel: str, external_id: str
) -> tuple[Row[Any] | None, ActiveRun | None]:
    """The user (a row that reads like a `User`) and their active run, in one round trip."""
    params = {"channel": channel, "ext": external_id}
    row = session.connection().execute(_USER_AND_ACTIVE_RUN, params).first()
    if row is None:
        return None, None
    if row.run_id is None:
        return row, None
    return row, ActiveRun(*(getattr(row, f"run_{name}") for name in RUN_COLUMNS))


def user_for_update(session: Session, user_id: int) -> User:
    """The user as an ORM object, for a turn that changes the profile."""
    user = session.get(User, user_id)
    if user is None:
        raise LookupError(f"user {user_id} vanished during its turn")
    return user


def create_user(
    session: Session, channel: str, external_id: str, language_code: str | None, locale: str
) -> Row[Any]:
    """Insert a user unless another process just did, then return the row."""
    now = utcnow()
    values = {
        "channel": channel,
        "external_id": external_id,
        "language_code": language_code,
        "locale": locale,
        "created_at": now,
        "updated_at": now,
    }
    connection = session.connection()
    connection.execute(_NEW_USER[connection.dialect.name], values)
    user, _ = load_user_and_run(session, channel, external_id)
    assert user is not None
    return user


def state_of(run: FlowRun | ActiveRun | None) -> FlowState | None:
    """The engine's view of a stored run."""
    if run is None:
        return None
    return FlowState.from_row(run.flow, run.step, run.seq, run.status, run.state)


def state_values(state: FlowState, update_id: int | None) -> dict[str, Any]:
    """The run's columns that the engine's state sets."""
    values = {
        "step": state.step,
        "seq": state.seq,
        "status": state.status,
        "state": state.blob(),
        "updated_at": utcnow(),
    }
    if update_id is not None:
        values["last_update_id"] = update_id
    return values


def write_state(session: Session, run_id: int, values: dict[str, Any]) -> None:
    """Write these columns of the run's row now, with one UPDATE.

    Nearly every turn does this, and a plain UPDATE costs a fraction of the ORM's flush.
    """
    session.connection().execute(_WRITE_RUN, {"run_key": run_id, **values})


def start_run(session: Session, user_id: int, state: FlowState, update_id: int | None) -> int:
    """Insert the row of a run begun in this turn, now, with one INSERT; its id."""
    values = state_values(state, update_id)
    row = {"user_id": user_id, "flow": state.flow, "started_at": values["updated_at"], **values}
    result = session.connection().execute(_NEW_RUN, row)
    return result.inserted_primary_key[0]


def record(user_id: int, run_id: int | None, effect: Effect) -> Any:
    """A row for a `save` effect: the record named, with the fields the flow gave."""
    fields = dict(effect.data)
    table = RECORD_TABLES[fields.pop("record")]
    if "run_id" in table.model_fields:
        fields["run_id"] = run_id
    return table(user_id=user_id, **fields)


def save(session: Session, user_id: int, run_id: int | None, effect: Effect) -> None:
    """Insert the record, or with an `id`, update the user's own row of that id."""
    fields = dict(effect.data)
    if fields.get("id") is None:
        fields.pop("id", None)
        session.add(record(user_id, run_id, Effect(effect.kind, fields)))
        return
    table = RECORD_TABLES[fields.pop("record")]
    row = session.get(table, int(fields.pop("id")))
    if row is None or row.user_id != user_id:  # type: ignore[attr-defined]
        return
    for name, value in fields.items():
        setattr(row, name, value)
    if "updated_at" in table.model_fields:
        row.updated_at = utcnow()  # type: ignore[attr-defined]


def remove(session: Session, user_id: int, effect: Effect) -> None:
    """Delete one of the user's own records; another user's id finds nothing."""
    table = RECORD_TABLES[effect.data["record"]]
    row = session.get(table, int(effect.data["id"]))
    if row is not None and row.user_id == user_id:  # type: ignore[attr-defined]
        session.delete(row)


def delete_user(session: Session, user_id: int) -> None:
    """Erase every row about the user, children first (no reliance on cascades)."""
    for table in reversed(user_tables()):
        key = table.c.id if table.name == "users" else table.c.user_id
        session.exec(delete(table).where(key == user_id))
