"""The `mend` command and its settings: clear one-line errors, never a traceback."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, ConfigError, async_database_url, load_settings
from bot.content.check import check
from bot.store.migrate import head_revision


def run_mend(
    *args: str, env: dict[str, str] | None = None, cwd: Path = PROJECT_ROOT
) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DATABASE_", "LOG_", "MEND_"))
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**clean, **(env or {})},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("plain", "driver"),
    [
        ("sqlite:///tmp/x.db", "sqlite+aiosqlite:///tmp/x.db"),
        ("sqlite+pysqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgres://u:p@h:5433/db", "postgresql+asyncpg://u:p@h:5433/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def test_database_urls_get_the_async_driver(plain: str, driver: str) -> None:
    assert async_database_url(plain) == driver


def test_default_database_is_sqlite_in_the_data_folder(tmp_path: Path) -> None:
    settings = load_settings(mend_data_dir=tmp_path, database_url="", _env_file=None)
    assert settings.async_database_url == f"sqlite+aiosqlite:///{tmp_path / 'mend.db'}"


@pytest.mark.parametrize(
    ("env", "mentions"),
    [
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"DATABASE_URL": "mysql://root@localhost/mend"}, "DATABASE_URL"),
        ({"TELEGRAM_API_URL": "not a url"}, "TELEGRAM_API_URL"),
    ],
)
def test_malformed_settings_give_one_clear_line(env: dict[str, str], mentions: str) -> None:
    result = run_mend("db", "current", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and mentions in lines[0] and "Traceback" not in result.stderr


def test_run_without_a_token_says_what_to_set(tmp_path: Path) -> None:
    result = run_mend("run", env={"MEND_DATA_DIR": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr and "@BotFather" in result.stderr
    assert "Traceback" not in result.stderr


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("LOG_LEVEL=debug\nMEND_DATA_DIR=/tmp/somewhere\n")
    cwd = Path.cwd()
    os.chdir(tmp_path)
    try:
        settings = load_settings()
    finally:
        os.chdir(cwd)
    assert settings.log_level == "DEBUG" and settings.mend_data_dir == Path("/tmp/somewhere")


def test_config_error_does_not_echo_secret_values() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(telegram_api_url="secret-value-123", _env_file=None)
    assert "secret-value-123" not in str(caught.value)


def test_db_upgrade_and_chat_on_a_fresh_folder(tmp_path: Path) -> None:
    env = {"MEND_DATA_DIR": str(tmp_path / "data")}
    upgraded = run_mend("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    assert f"revision {head_revision()} (newest {head_revision()})" in upgraded.stdout
    chat = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--user", "tester"],
        input="1\n/istatement\nYou always make me feel insecure\n/quit\n",
        env={**os.environ, **env},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert chat.returncode == 0, chat.stderr
    assert "1) I was hurt" in chat.stdout
    assert "“you always”" in chat.stdout and "<b>" not in chat.stdout
    assert (tmp_path / "data" / "mend.db").exists()


def test_chat_leaves_at_once_on_ctrl_c_while_waiting_for_a_line(tmp_path: Path) -> None:
    output = tmp_path / "out.txt"
    with output.open("w") as out:
        chat = subprocess.Popen(
            [sys.executable, "-m", "bot", "chat", "--user", "tester"],
            stdin=subprocess.PIPE,  # held open: the chat waits for a line that never comes
            stdout=out,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "MEND_DATA_DIR": str(tmp_path / "data")},
            cwd=PROJECT_ROOT,
        )
        try:
            deadline = time.monotonic() + 60
            while "1) I was hurt" not in output.read_text() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert "1) I was hurt" in output.read_text()
            chat.send_signal(signal.SIGINT)
            assert chat.wait(timeout=10) == 130
        finally:
            chat.kill()
            chat.wait()
            assert chat.stdin
            chat.stdin.close()


def test_check_content_passes_on_the_shipped_content(tmp_path: Path) -> None:
    result = run_mend("check-content", "--mermaid", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "are valid" in result.stdout
    diagram = (tmp_path / "istatement.mmd").read_text()
    assert (
        diagram.startswith("flowchart TD")
        and "draft -->|analysis.draft.flagged| flagged" in diagram
    )


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    for folder in ("prompts", "data"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / folder)
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("file", "old", "new", "problem"),
    [
        ("prompts/flows/istatement.yaml", "goto: flagged", "goto: flaged", "unknown step 'flaged'"),
        (
            "prompts/flows/istatement.yaml",
            "say: [clean]",
            "say: [cleen]",
            "'istatement.cleen' is missing",
        ),
        (
            "prompts/flows/istatement.yaml",
            "analyse: blame",
            "analyse: blaming",
            "unknown analysis 'blaming'",
        ),
        (
            "prompts/flows/compassion.yaml",
            "phase: before",
            "phaze: before",
            "unknown field 'phaze'",
        ),
        (
            "prompts/flows/listen.yaml",
            "next: mirror_more",
            "next: summary",
            "mirror_more: can't be reached",
        ),
        ("prompts/en/istatement.yaml", "{{ m.text }}", "{{ m.text }", "istatement.flagged"),
        (
            "prompts/en/istatement.yaml",
            "{{ answers.statement }}</blockquote>",
            "{{ answer.statement }}</blockquote>",
            "'answer' is undefined",
        ),
        (
            "prompts/flows/onboarding.yaml",
            "{value: hurt,",
            '{value: "hurt and more hurt and more hurt",',
            "value",
        ),
        ("data/en/lexicons/blame.yaml", "you don't ever", "you (don't ever", "bad pattern"),
        ("prompts/en/milestones.yaml", "streak_7:", "streak_seven:", "milestones.streak_7"),
        ("prompts/en/progress.yaml", "  mood_up:", "  mood_upp:", "progress.lines.mood_up"),
        (
            "prompts/flows/checkin_weekly.yaml",
            "needs: [commitments]",
            "needs: [comitments]",
            "needs unknown record 'comitments'",
        ),
        (
            "prompts/flows/checkin_settings.yaml",
            "parse: time\n",
            "parse: hour\n",
            "unknown parse 'hour'",
        ),
    ],
)
def test_check_content_finds_broken_content(
    content_copy: Path, file: str, old: str, new: str, problem: str
) -> None:
    edit(content_copy / file, old, new)
    problems = check(content_copy)
    assert any(problem in p for p in problems), problems
