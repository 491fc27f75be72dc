"""The Telegram adapter: a thin shell between python-telegram-bot and the core."""

import os

# Opt in to python-telegram-bot's future behaviour: durations such as RetryAfter.retry_after
# are datetime.timedelta (this silences its deprecation warning and is forward compatible).
os.environ.setdefault("PTB_TIMEDELTA", "1")
