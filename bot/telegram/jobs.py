"""Periodic work on PTB's JobQueue: the due times live in the database, not in the job store."""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram.ext import Application, ContextTypes

from bot.checkins.dispatcher import Dispatcher
from bot.checkins.follow_ups import claim_due
from bot.core.service import Coach
from bot.telegram.convert import CHANNEL
from bot.telegram.delivery import deliver
from bot.telegram.dispatch import dispatch

log = logging.getLogger(__name__)
TICK_SECONDS = 60


async def send_follow_ups(context: ContextTypes.DEFAULT_TYPE) -> int:
    """Claim due follow-ups and send each; returns how many were sent."""
    coach: Coach = context.application.bot_data["coach"]
    sent = 0
    while due := await claim_due(coach.database, coach.clock(), CHANNEL):
        for item in due:
            replies = await coach.follow_up(item.user_id)
            await deliver(context.bot, int(item.external_id), replies)
            sent += 1
    if sent:
        log.info("sent %d follow-ups", sent)
    return sent


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
    """The periodic ticks; due times live in the database, so a restart loses none."""
    if application.job_queue is None:
        raise RuntimeError("python-telegram-bot's job-queue extra is required")
    settings = application.bot_data["settings"]
    application.job_queue.run_repeating(
        send_follow_ups, interval=TICK_SECONDS, first=5, name="follow-ups"
    )
    application.job_queue.run_repeating(
        send_checkins,
        interval=settings.mend_checkin_tick,
        first=1,
        name="check-ins",
        job_kwargs={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
    )
