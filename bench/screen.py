"""Cost of the safety screen per message: lexicon alone, and the whole screen with the model.

Run from the repository root: `python bench/screen.py [--messages 600 --threads 1]`.
Messages are the corpus's (every split), screened one at a time as the bot does; the figures are
milliseconds of wall time per message. Target: p99 at most 15 ms on a 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.coach.embedding import Embedder
from bot.coach.safety.build import MODEL_DIR
from bot.coach.safety.corpus import load_corpus
from bot.coach.safety.lexicon import LexiconScreen
from bot.coach.safety.screen import SafetyScreen
from bot.coach.safety.semantic import HEAD_FILE, SemanticLayer, read_head
from bot.config import PROJECT_ROOT

P99_TARGET_MS = 15.0


def timings(screen: SafetyScreen, texts: list[str]) -> list[float]:
    out = []
    for text in texts:
        start = time.perf_counter()
        screen.screen(text)
        out.append((time.perf_counter() - start) * 1000)
    return out


def row(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    p = lambda q: ms[min(int(q * len(ms)), len(ms) - 1)]  # noqa: E731
    return (
        f"{name:28} n={len(ms):5}  mean {statistics.fmean(ms):6.2f}  p50 {p(0.5):6.2f}  "
        f"p95 {p(0.95):6.2f}  p99 {p(0.99):6.2f}  max {ms[-1]:6.2f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=600)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads for the model")
    options = parser.parse_args()
    data = PROJECT_ROOT / "data"
    examples = load_corpus(data / "safety" / "corpus")
    step = max(len(examples) // options.messages, 1)
    texts = [e.text for e in examples[::step]][: options.messages]
    lexicon = LexiconScreen(data)
    started = time.perf_counter()
    embedder = Embedder(threads=options.threads)
    embedder.embed(["warm up"])
    loaded = time.perf_counter() - started
    whole = SafetyScreen(lexicon, SemanticLayer(embedder, read_head(data / MODEL_DIR / HEAD_FILE)))
    timings(whole, texts[:20])  # warm caches
    print(f"model load {loaded:.2f} s, threads {options.threads}, messages from the corpus")
    print(row("lexicon only", timings(SafetyScreen(lexicon), texts)))
    whole_ms = timings(whole, texts)
    print(row("whole screen (lexicon+model)", whole_ms))
    long_texts = [" ".join([t] * 8)[:2000] for t in texts[:100]]
    print(row("whole screen, long messages", timings(whole, long_texts)))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    p99 = sorted(whole_ms)[int(0.99 * len(whole_ms))]
    verdict = "meets" if p99 <= P99_TARGET_MS else "misses"
    print(f"peak RSS {peak:.0f} MB; p99 {p99:.2f} ms {verdict} the {P99_TARGET_MS:.0f} ms target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
