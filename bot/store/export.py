"""Everything Mend holds about one user, as readable JSON."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, select
from sqlmodel import Session, SQLModel

FORMAT = "mend-export/1"


def user_tables() -> list[Table]:
    """Every table with rows about a user: `users` itself and all with a user_id column."""
    return [t for t in SQLModel.metadata.sorted_tables if t.name == "users" or "user_id" in t.c]


def export_user(session: Session, user_id: int, now: datetime) -> bytes:
    """A JSON document of every row about the user, decrypted, one list per table."""
    document: dict[str, Any] = {"format": FORMAT, "exported_at": now.isoformat()}
    for table in user_tables():
        key = table.c.id if table.name == "users" else table.c.user_id
        result = session.exec(select(table).where(key == user_id).order_by(table.c.id))
        rows = [dict(row._mapping) for row in result]
        document[table.name] = rows[0] if table.name == "users" else rows
    return json.dumps(document, ensure_ascii=False, indent=2, default=_plain).encode("utf-8")


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot export {type(value).__name__}")
