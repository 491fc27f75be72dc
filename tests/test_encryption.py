"""Free text at rest is encrypted; the data key is checked at startup."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.config import PROJECT_ROOT, async_database_url, load_settings
from bot.content.bundle import Content
from bot.core.service import Coach
from bot.messages import Incoming
from bot.runtime import ready_database
from bot.store import crypto
from bot.store.database import Database
from bot.store.migrate import upgrade
from tests.conftest import drop_everything

WORDS = "I found the messages from Alex on his phone"


async def raw_values(database: Database, query: str) -> list[str]:
    async with database.engine.connect() as connection:
        return [row[0] for row in (await connection.execute(text(query))).all()]


async def test_free_text_columns_hold_ciphertext(database: Database, content: Content) -> None:
    coach = Coach(content, database)
    await coach.handle(Incoming("telegram", "1", "command", "compassion"))
    await coach.handle(Incoming("telegram", "1", "button", "s|compassion|0|3"))
    await coach.handle(Incoming("telegram", "1", "text", WORDS))
    await coach.handle(Incoming("telegram", "1", "button", "s|compassion|2|hurt"))
    await coach.handle(Incoming("telegram", "1", "button", "s|compassion|3|ready"))
    await coach.handle(Incoming("telegram", "1", "text", "May I be kind to myself"))
    states = await raw_values(database, "SELECT state FROM flow_runs")
    statements = await raw_values(database, "SELECT text FROM statements")
    assert states and statements
    for value in states + statements:
        assert value.startswith("gAAAAA"), "a Fernet token"
        assert "Alex" not in value and "kind to myself" not in value
    assert crypto.decrypt(statements[0]) == "May I be kind to myself"


def mend(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("MEND_", "DATABASE_", "TELEGRAM_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **env},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_generated_key_file_is_private_and_announced_once(tmp_path: Path) -> None:
    env = {"MEND_DATA_DIR": str(tmp_path)}
    first = mend(["db", "upgrade"], env)
    assert first.returncode == 0, first.stderr
    key_file = tmp_path / "data.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert first.stderr.count("generated a data key") == 1
    second = mend(["db", "upgrade"], env)
    assert second.returncode == 0 and "generated a data key" not in second.stderr


def test_a_wrong_key_is_a_clear_error_at_startup(tmp_path: Path) -> None:
    env = {"MEND_DATA_DIR": str(tmp_path), "MEND_DATA_KEY": Fernet.generate_key().decode()}
    assert mend(["db", "upgrade"], env).returncode == 0
    env["MEND_DATA_KEY"] = Fernet.generate_key().decode()
    wrong = mend(["db", "upgrade"], env)
    assert wrong.returncode == 2
    assert wrong.stderr.strip().splitlines()[-1].startswith("mend: stored data can't be decrypted")
    assert "Traceback" not in wrong.stderr


def test_a_malformed_key_is_a_clear_error(tmp_path: Path) -> None:
    result = mend(["db", "upgrade"], {"MEND_DATA_DIR": str(tmp_path), "MEND_DATA_KEY": "hunter2"})
    assert result.returncode == 2 and "MEND_DATA_KEY is malformed" in result.stderr
    assert "hunter2" not in result.stderr


async def test_old_keys_still_read_after_rotation(tmp_path: Path, content: Content) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    url = f"sqlite:///{tmp_path / 'mend.db'}"
    settings = load_settings(
        database_url=url, mend_data_dir=tmp_path, mend_data_key=old, _env_file=None
    )
    database = await ready_database(settings)
    await Coach(content, database).handle(Incoming("telegram", "9", "command", "istatement"))
    await Coach(content, database).handle(Incoming("telegram", "9", "text", WORDS))
    await database.dispose()
    rotated = load_settings(
        database_url=url, mend_data_dir=tmp_path, mend_data_key=f"{new},{old}", _env_file=None
    )
    database = await ready_database(rotated)
    replies = await Coach(content, database).handle(
        Incoming("telegram", "9", "text", "this happens")
    )
    assert "The feeling" in replies[0].text
    await database.dispose()


async def test_upgrade_encrypts_rows_written_before_encryption(database_url: str) -> None:
    db = Database(async_database_url(database_url))
    await drop_everything(db)
    await upgrade(db, "0001")
    async with db.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO users (id, channel, external_id, locale, created_at, updated_at) "
                "VALUES (1, 'telegram', '1', 'en', :at, :at)"
            ),
            {"at": datetime(2026, 1, 1, tzinfo=UTC)},
        )
        await connection.execute(
            text(
                "INSERT INTO statements (id, user_id, kind, text, created_at) "
                "VALUES (1, 1, 'istatement', :words, :at)"
            ),
            {"words": WORDS, "at": datetime(2026, 1, 1, tzinfo=UTC)},
        )
    await upgrade(db)
    [stored] = await raw_values(db, "SELECT text FROM statements")
    assert stored != WORDS and crypto.decrypt(stored) == WORDS
    await db.dispose()
