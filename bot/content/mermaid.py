"""Draw flows as Mermaid diagrams, from the flow files themselves."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from bot.dialogue.schema import Flow


def diagram(flow: Flow) -> str:
    """A Mermaid flowchart: steps as nodes (questions rounded, ends doubled), branches as edges."""
    lines = ["flowchart TD", f"    start(({flow.id})) --> {flow.start}"]
    for step_id, step in flow.steps.items():
        if step.end:
            lines.append(f"    {step_id}((({step_id})))")
        elif step.ask:
            lines.append(f'    {step_id}("{step_id}<br/><i>{step.ask.kind}</i>")')
        else:
            lines.append(f"    {step_id}[{step_id}]")
        for branch in step.next:
            label = _escape(branch.when) if branch.when else ""
            arrow = f"-->|{label}|" if label else "-->"
            lines.append(f"    {step_id} {arrow} {branch.goto}")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    return text.replace('"', "#quot;").replace("|", "#124;").replace("'", "#39;")


def write_diagrams(flows: Mapping[str, Flow], folder: Path) -> list[Path]:
    """One .mmd file per flow."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for flow in flows.values():
        path = folder / f"{flow.id}.mmd"
        path.write_text(diagram(flow), encoding="utf-8")
        written.append(path)
    return written
