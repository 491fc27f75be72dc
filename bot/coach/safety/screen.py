"""The whole screen: the lexicon as the floor, the semantic layer above it, and a tier."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.coach.safety.language import guess_language
from bot.coach.safety.lexicon import DEFAULT_LOCALE, LexiconMatch, LexiconScreen
from bot.coach.safety.rules import FAMILIES, Family
from bot.coach.safety.semantic import Scores, SemanticLayer

Tier = Literal["none", "check", "crisis"]
TIERS: tuple[Tier, ...] = ("none", "check", "crisis")
NOW = 0.5  # the semantic layer's "happening now" probability that counts as immediate
# What a lexicon hit the meaning does not bear out adds to the risk window: two within a short
# while ("i've decided", then "goodbye x") add up to the crisis answer (bot/core/safety.py).
DOUBTED_RISK = 0.6


@dataclass(frozen=True)
class Verdict:
    """What one message needs: no safety answer, a short check, or the crisis answer."""

    tier: Tier
    family: Family | None = None
    immediate: bool = False
    language: str = DEFAULT_LOCALE
    layers: tuple[str, ...] = ()
    risk: float = 0.0  # 0..1, what this message adds to the short-term risk window
    categories: tuple[str, ...] = field(default=(), compare=False)

    @property
    def flagged(self) -> bool:
        return self.tier != "none"

    def as_json(self) -> dict[str, Any]:
        """The shape `mend screen` prints: never the text."""
        return {
            "tier": self.tier,
            "family": self.family,
            "immediate": self.immediate,
            "language": self.language,
            "layers": list(self.layers),
        }


class SafetyScreen:
    """Screens one message; knows nothing of chats and keeps nothing of the text."""

    def __init__(self, lexicon: LexiconScreen, semantic: SemanticLayer | None = None) -> None:
        self.lexicon = lexicon
        self.semantic = semantic

    def screen(self, text: str, locale: str = DEFAULT_LOCALE) -> Verdict:
        """The verdict for one message, in the language it was written in."""
        language = guess_language(text, locale)
        match, resolved = self.lexicon.read(text, language)
        if language != DEFAULT_LOCALE and match is None and language in self.lexicon.locales:
            match, resolved = self.lexicon.read(text, DEFAULT_LOCALE)  # mixed-language chat
        scores = self.semantic.score(text) if self.semantic else None
        return decide(match, scores, resolved, language, self.semantic)


def decide(
    match: LexiconMatch | None,
    scores: Scores | None,
    resolved: bool,
    language: str,
    semantic: SemanticLayer | None,
) -> Verdict:
    """Combine the layers: the semantic one may only add; a resolved past caps at the check."""
    tier: Tier = "none"
    family: Family | None = None
    immediate = False
    layers: list[str] = []
    risk = 0.0
    if match is not None:
        tier, family, immediate = "crisis", match.family, match.immediate
        layers.append("lexicon")
        risk = 1.0
    if scores is not None and semantic is not None:
        top, probability = scores.top()
        risk = max(risk, probability)
        thresholds = semantic.head.thresholds[top]
        semantic_tier: Tier = (
            "crisis"
            if probability >= thresholds.crisis
            else "check"
            if probability >= thresholds.check
            else "none"
        )
        if semantic_tier != "none":
            layers.append("semantic")
            if TIERS.index(semantic_tier) > TIERS.index(tier):
                tier = semantic_tier
            family = family or top
            immediate = immediate or (scores.immediate >= NOW and not resolved)
    doubted = scores is not None and "semantic" not in layers
    if tier == "crisis" and match is not None and doubted and not immediate:
        # The lexicon heard a danger word the meaning does not bear out ("im going to do it
        # tonight, confront her"): the answer stays, as the one-tap check.
        tier = "check"
        layers.append("doubt")
        risk = max(scores.top()[1], DOUBTED_RISK) if scores else risk
    if tier == "crisis" and resolved and not immediate:
        tier = "check"
        layers.append("resolved")
        risk = min(risk, DOUBTED_RISK)
    if tier == "none":
        return Verdict("none", language=language, risk=risk)
    return Verdict(
        tier,
        family or FAMILIES[0],
        immediate,
        language,
        tuple(layers),
        risk,
        match.categories if match else (),
    )
