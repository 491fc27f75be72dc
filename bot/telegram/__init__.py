"""The Telegram adapter: a thin shell between python-telegram-bot and the core."""
