"""Send due check-ins: claim them in the database, deliver them through the rate limiter."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from telegram import Bot

from bot.checkins.dispatcher import Dispatcher, Outgoing
from bot.core.service import Coach
from bot.telegram.delivery import deliver

log = logging.getLogger(__name__)
SLICE = 50  # check-ins marked `sending` at once: the most a crash can lose


@dataclass
class DispatchReport:
    """What one dispatch did."""

    claimed: int = 0
    sent: int = 0
    unreachable: int = 0
    failed: int = 0
    slices: int = 0


async def dispatch(
    bot: Bot,
    coach: Coach,
    dispatcher: Dispatcher,
    keep_going: Callable[[], bool] = lambda: True,
    slice_size: int = SLICE,
) -> DispatchReport:
    """Send everything due now, a claimed batch at a time, slice by slice."""
    report = DispatchReport()
    while keep_going():
        # Claim a batch, send it, then claim the next: the outbox stays small, and what is due
        # first goes first. `take` also finds check-ins queued by a process that stopped.
        claimed = await dispatcher.claim_due(coach.clock())
        report.claimed += claimed
        sent_before = report.slices
        while keep_going() and (batch := await dispatcher.take(coach.clock(), slice_size)):
            await _send_slice(bot, coach, dispatcher, batch, report)
        if not claimed and report.slices == sent_before:
            break
    if report.claimed or report.sent:
        log.info(
            "check-ins: %d claimed, %d sent, %d unreachable, %d failed",
            report.claimed,
            report.sent,
            report.unreachable,
            report.failed,
        )
    return report


async def _send_slice(
    bot: Bot, coach: Coach, dispatcher: Dispatcher, batch: list[Outgoing], report: DispatchReport
) -> None:
    """Send a slice at once (the rate limiter paces it) and record each outcome."""
    outcomes = await asyncio.gather(*(_send(bot, coach, item) for item in batch))
    paired = list(zip(batch, outcomes, strict=True))
    sent = [o.delivery_id for o, result in paired if result is True]
    gone = [o for o, result in paired if result is False]
    failed = [o.delivery_id for o, result in paired if result is None]
    await dispatcher.finish(coach.clock(), sent, gone, failed)
    report.sent += len(sent)
    report.unreachable += len(gone)
    report.failed += len(failed)
    report.slices += 1


async def _send(bot: Bot, coach: Coach, item: Outgoing) -> bool | None:
    """True when sent, False when the chat is gone, None when it failed after retries."""
    now: datetime = coach.clock()
    try:
        replies = coach.scheduled(item.user, item.run, item.cadence, now)
        return await deliver(bot, int(item.user.external_id), replies)
    except Exception as exc:  # one user's failure must not stop everyone's check-ins
        log.warning("check-in %s failed: %s", item.delivery_id, type(exc).__name__)
        return None
