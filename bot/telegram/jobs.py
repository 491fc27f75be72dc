"""Periodic work on PTB's JobQueue: the due times live in the database, not in the job store."""

from __future__ import annotations

from datetime import timedelta

from telegram.ext import Application, ContextTypes

from bot.checkins.dispatcher import Dispatcher
from bot.core.service import Coach
from bot.telegram.convert import CHANNEL
from bot.telegram.dispatch import dispatch


async def send_checkins(context: ContextTypes.DEFAULT_TYPE) -> None:
    """One dispatcher tick: everything due goes out once; stops early when the bot stops."""
    application = context.application
    coach: Coach = application.bot_data["coach"]
    dispatcher = application.bot_data.get("dispatcher")
    if dispatcher is None:
        grace = timedelta(hours=application.bot_data["settings"].mend_checkin_grace)
        dispatcher = application.bot_data["dispatcher"] = Dispatcher(coach.database, CHANNEL, grace)
    await dispatch(context.bot, coach, dispatcher, keep_going=lambda: application.running)


def schedule_jobs(application: Application) -> None:
    """The dispatcher's periodic tick (check-ins and follow-ups); due times live in the
    database, so a restart loses none."""
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot's job-queue extra is required")
    settings = application.bot_data["settings"]
    application.job_queue.run_repeating(
        send_checkins,
        interval=settings.mend_checkin_tick,
        first=1,
        name="check-ins",
        job_kwargs={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
