"""Everything one turn needs, and the small helpers every handler uses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot.checkins.timezones import zone_of
from bot.content.bundle import Content
from bot.content.resources import CountryResources
from bot.core.turn import PROFILE_FIELDS, Profile, Turn
from bot.dialogue import callbacks
from bot.dialogue.engine import Engine, Speaker
from bot.dialogue.state import FlowState
from bot.messages import Button, Incoming, Reply


@dataclass
class TurnContext:
    """The input, the user's profile and active run, the clock, and the turn being built."""

    content: Content
    engine: Engine
    profile: Profile
    active: FlowState | None
    incoming: Incoming
    now: datetime
    lookups: dict[str, Any] = field(default_factory=dict)
    turn: Turn = field(default_factory=Turn)

    @property
    def resources(self) -> CountryResources:
        """Crisis and help lines for the user's country (international if unknown)."""
        return self.resources_for(self.profile.country)

    def resources_for(self, country: str | None) -> CountryResources:
        resources = self.content.resources
        return resources.get(resources.country_for(country, self.profile.language_code))

    @property
    def today(self) -> date:
        """The user's local date (UTC until they choose a time zone)."""
        return local_date(self.now, self.profile.checkin_zone)

    def speaker(self) -> Speaker:
        today = self.today
        extras = {
            "data": self.lookups,
            "today": today,
            "week_start": today - timedelta(days=today.weekday()),
        }
        return Speaker(self.profile.locale, self.profile.as_context(), extras, self._derived)

    def _derived(self, profile: Mapping[str, Any]) -> dict[str, Any]:
        """What follows the profile as a flow changes it: the country's help lines."""
        return {"resources": self.resources_for(profile.get("country"))}

    def say(self, key: str, **extra: Any) -> str:
        """Render a text for this user."""
        return self.say_in(self.profile.locale, key, **extra)

    def say_in(self, locale: str, key: str, **extra: Any) -> str:
        """Render a text for this user in a given locale (a key it lacks falls back to English)."""
        return self.content.texts.render(
            key,
            locale,
            profile=self.profile.as_context(),
            resources=self.resources,
            **extra,
        )

    def reply(self, key: str, *rows: tuple[Button, ...], **extra: Any) -> Reply:
        return Reply(self.say(key, **extra), tuple(rows))

    def button(self, label_key: str, name: str, arg: str = "", **extra: Any) -> Button:
        """A button outside flows, labelled from a text key."""
        return Button(self.say(label_key, **extra), callbacks.action(name, arg))

    def change_profile(self, **changes: Any) -> None:
        """Update the profile now (later texts see it) and have the service store it."""
        for key, value in changes.items():
            if key not in PROFILE_FIELDS:
                raise KeyError(f"{key} is not a profile field")
            setattr(self.profile, key, value)
        self.turn.profile_changes.update(changes)


def local_date(now: datetime, zone: str | None) -> date:
    """The date in a user's time zone; UTC when they have none (or it no longer exists)."""
    try:
        return now.astimezone(zone_of(zone)).date() if zone else now.date()
    except ValueError:
        return now.date()
