"""The bot's Home tab: the pages waiting for this person, and the open incidents."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.blocks.card import incident_line
from bot.blocks.fit import SECTION_TEXT, VIEW_BLOCKS, clip, fit_blocks, fit_lines
from bot.blocks.ids import PagingAction
from bot.blocks.paging import clock
from bot.contacts import Contact
from bot.incidents.record import Incident, impact_label
from bot.mrkdwn import escape
from bot.oncall.shifts import LOOK_AHEAD, Duty
from bot.oncall.times import slack_date

PAGES_SHOWN = 20  # a page is one block; a Home tab holds 100
INCIDENTS_SHOWN = 20


@dataclass(frozen=True)
class WaitingPage:
    """A page delivered to this person and not yet acknowledged."""

    notice_id: str
    incident: Incident


def home_view(
    waiting: Sequence[WaitingPage],
    open_incidents: Sequence[tuple[Incident, str | None]],
    at: datetime,
    shifts: Sequence[tuple[Contact, Duty]] | None = (),
) -> dict[str, Any]:
    lines = [incident_line(i, channel) for i, channel in open_incidents[:INCIDENTS_SHOWN]]
    if len(open_incidents) > INCIDENTS_SHOWN:
        lines.append("…and more: `/incident list` shows up to 40.")
    rest: list[Block] = [
        DividerBlock(),
        HeaderBlock(text=":rotating_light: Open incidents"),
        _text(
            "\n".join(fit_lines(lines, SECTION_TEXT, "`/incident list`")) or "No open incidents."
        ),
        DividerBlock(),
        HeaderBlock(text=":calendar: Your next shifts"),
        _text(shifts_text(shifts)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"As of {clock(at)}. `/incident help` lists everything you can do."
                )
            ]
        ),
    ]
    pages = [[_page(page)] for page in waiting[:PAGES_SHOWN]] or [
        [_text("Nothing is waiting for you.")]
    ]
    room = VIEW_BLOCKS - 1 - len(rest)
    blocks = [
        HeaderBlock(text=":pager: Pages waiting for you"),
        *fit_blocks(pages, room, "the direct messages that paged you"),
        *rest,
    ]
    return View(type="home", blocks=blocks).to_dict()


def _page(page: WaitingPage) -> SectionBlock:
    """A waiting page with its **Acknowledge**."""
    return SectionBlock(
        text=MarkdownTextObject(
            text=clip(
                f":rotating_light: *{escape(page.incident.title)}*\n"
                f"Impact {impact_label(page.incident.impact)}",
                SECTION_TEXT,
            )
        ),
        accessory=ButtonElement(
            text="Acknowledge",
            action_id=PagingAction.ACKNOWLEDGE,
            value=page.notice_id,
            style="primary",
        ),
    )


def shifts_text(shifts: Sequence[tuple[Contact, Duty]] | None) -> str:
    if shifts is None:
        return "Your shifts cannot be read from Incident Manager right now."
    lines = [
        f"*{escape(schedule.display_name)}* (`{schedule.alias}`): {slack_date(duty.start)} → "
        f"{slack_date(duty.end)}" + (" (covering)" if duty.overridden else "")
        for schedule, duty in shifts
    ]
    return (
        "\n".join(fit_lines(lines, SECTION_TEXT, "`/incident oncall`"))
        or f"No shift of yours in the next {LOOK_AHEAD.days} days. `/incident oncall` shows "
        "who is on call."
    )


def _text(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))
