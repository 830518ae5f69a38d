"""Contacts' plans said in Slack: an escalation plan changed from Slack is posted in
``ONCALL_CHANNEL`` (who, which plan, before → after)."""

from __future__ import annotations

from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.plans import change_text
from bot.config import Settings
from bot.contact_plans.events import PlanChanged
from bot.events import Bus
from bot.slack.notify import say


class PlansPresenter:
    def __init__(self, slack: AsyncWebClient, settings: Settings) -> None:
        self.slack = slack
        self.settings = settings

    def subscribe(self, bus: Bus) -> None:
        bus.subscribe(PlanChanged, self.plan_changed)

    async def plan_changed(self, event: PlanChanged) -> None:
        """The line in the on-call channel, when it is set (a refusal is logged)."""
        text = change_text(event.by, event.after, event.before.stages)
        await say(self.slack, self.settings.oncall_channel, text)
