"""Load everything the coach says and does from prompts/ and data/."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from bot.coach.analysis import Analyst
from bot.coach.safety.build import build_screen
from bot.coach.safety.screen import SafetyScreen
from bot.content.resources import Resources
from bot.content.texts import Texts
from bot.content.toolbox import build_toolbox
from bot.content.yamlfiles import ContentError, read_yaml
from bot.dialogue.schema import Flow
from bot.dialogue.tools import Toolbox


@dataclass(frozen=True)
class Content:
    """Texts, flows, the coach's language data, and each situation's suggested path."""

    root: Path
    texts: Texts
    flows: dict[str, Flow]
    analyst: Analyst
    safety: SafetyScreen
    resources: Resources
    paths: dict[str, tuple[str, ...]]
    tools: Toolbox
    statement_flows: dict[str, str] = field(default_factory=dict)  # statement kind -> flow id

    @property
    def commands(self) -> dict[str, str]:
        """Flow commands, such as 'istatement', mapped to their flow ids."""
        return {f.command: f.id for f in self.flows.values() if f.command}

    def menu_order(self, situation: str | None) -> list[str]:
        """Menu flows, those suggested for the situation first."""
        suggested = [f for f in self.paths.get(situation or "", ()) if f in self.flows]
        rest = [f for f in self.flows if f not in suggested]
        return [f for f in [*suggested, *rest] if self.flows[f].menu]


def load_flows(folder: Path) -> dict[str, Flow]:
    """Every prompts/flows/*.yaml, validated; the file name is the flow id."""
    flows: dict[str, Flow] = {}
    for path in sorted(folder.glob("*.yaml")):
        raw = read_yaml(path) or {}
        if not isinstance(raw, dict):
            raise ContentError(f"{path}: expected a mapping")
        raw.setdefault("id", path.stem)
        try:
            flow = Flow.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ContentError(f"{path}: {where}: {first['msg']}") from None
        if flow.id != path.stem:
            raise ContentError(f"{path}: id '{flow.id}' must match the file name")
        flows[flow.id] = flow
    if not flows:
        raise ContentError(f"{folder}: no flows found")
    return flows


def load_content(root: Path, *, strict: bool = False) -> Content:
    """Read prompts/ and data/ under `root`; `strict` makes undefined template names errors."""
    analyst = Analyst(root / "data")
    texts = Texts(root / "prompts", strict=strict, starters=analyst.starters())
    flows = load_flows(root / "prompts" / "flows")
    raw_paths = read_yaml(root / "data" / "paths.yaml") or {}
    paths = {str(k): tuple(str(f) for f in v or ()) for k, v in raw_paths.items()}
    resources = Resources(root / "data" / "resources.yaml")
    return Content(
        root=root,
        texts=texts,
        flows=flows,
        analyst=analyst,
        safety=build_screen(root / "data"),
        resources=resources,
        paths=paths,
        tools=build_toolbox(analyst, texts, resources),
        statement_flows=statement_flows(flows),
    )


def statement_flows(flows: dict[str, Flow]) -> dict[str, str]:
    """Which flow saves each kind of statement (for the safety gate on /mine edits)."""
    found: dict[str, str] = {}
    for flow in flows.values():
        for step in flow.steps.values():
            for action in step.do:
                if action.save and action.save.get("record") == "statement":
                    found.setdefault(str(action.save.get("kind")), flow.id)
    return found
