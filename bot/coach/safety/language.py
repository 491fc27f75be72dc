"""Which language a message is in, from py3langid's model (shipped in its package)."""

from __future__ import annotations

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Languages Mend guesses between: those of its biggest audiences. A short or mixed message
# that no language claims clearly keeps the user's own locale.
CANDIDATES = ("en", "es", "pt", "ru", "de", "fr", "it", "uk", "tr", "id", "pl", "nl")
CONFIDENT = 0.9
LIKELY = 0.5  # enough when the user's own language is plainly out ("я больше..." is ru or uk)
UNLIKELY = 0.05
SHORTEST = 8  # characters; "ok", "yes", "idk" say nothing of a language


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATES))
    return identifier


def guess_language(text: str, fallback: str) -> str:
    """The message's language when the model is confident, else `fallback`."""
    if sum(c.isalpha() for c in text) < SHORTEST:
        return fallback
    ranked = dict(_identifier().rank(text))
    language = max(ranked, key=ranked.__getitem__)
    confidence = ranked[language]
    if confidence >= CONFIDENT:
        return str(language)
    if confidence >= LIKELY and ranked.get(fallback, 0.0) < UNLIKELY:
        return str(language)
    return fallback
