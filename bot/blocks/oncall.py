"""On-call messages: who is on call now and next, what a plan would page now, covers and
overrides (pure functions; people shown as their Slack users)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ConfirmObject,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.common import as_dicts, with_actions
from bot.blocks.fit import (
    MESSAGE_BLOCKS,
    MESSAGE_TEXT,
    SECTION_TEXT,
    clip,
    fit_blocks,
    fit_lines,
    fit_text,
)
from bot.blocks.ids import OncallAction
from bot.contacts import Contact, Override, alias_of
from bot.mrkdwn import escape
from bot.oncall.events import Cover
from bot.oncall.shifts import Duty, ScheduleOnCall, StageOnCall
from bot.oncall.times import slack_date

Users = Mapping[str, str | None]  # contact ARN → linked Slack user


def person(contact_arn: str, users: Users) -> str:
    user = users.get(contact_arn)
    return f"<@{user}>" if user else f"`{alias_of(contact_arn)}` (not linked to Slack)"


def people(contact_arns: Sequence[str], users: Users) -> str:
    return ", ".join(person(arn, users) for arn in contact_arns) or "nobody"


def _now(duty: Duty | None, users: Users) -> str:
    if duty is None:
        return "nobody on call now"
    cover = " (covering)" if duty.overridden else ""
    return f"on call now: {people(duty.contact_arns, users)}{cover} until {slack_date(duty.end)}"


def _next(duty: Duty | None, users: Users) -> str:
    if duty is None:
        return "nobody next"
    return f"next: {people(duty.contact_arns, users)} from {slack_date(duty.start)}"


def schedule_text(on_call: ScheduleOnCall, users: Users) -> str:
    """One schedule: per rotation, who is on call now and until when, and who is next."""
    schedule = on_call.schedule
    head = f"*{escape(schedule.display_name)}* (`{schedule.alias}`)"
    if not on_call.rotas:
        return f"{head}: no rotation."
    lines = [f"{_now(rota.now, users)}; {_next(rota.next, users)}" for rota in on_call.rotas]
    if len(lines) == 1:
        return clip(f"{head}: {lines[0]}.", MESSAGE_TEXT)
    rest = "the schedule's rotations in the AWS console"
    return fit_text(head, [f"• {line}" for line in lines], rest)


def schedules_text(on_calls: Sequence[ScheduleOnCall], users: Users) -> str:
    if not on_calls:
        return "There is no on-call schedule in Incident Manager."
    shown = [schedule_text(on_call, users) for on_call in on_calls]
    return "\n".join(fit_lines(shown, MESSAGE_TEXT, "`/incident oncall <schedule>` shows one"))


def plan_now_text(plan: Contact, stages: Sequence[StageOnCall], users: Users) -> str:
    """What an escalation plan would page now, its schedules resolved to who is on call."""
    lines = []
    for index, stage in enumerate(stages, 1):
        targets = []
        for alias, essential, arns in stage.targets:
            if len(arns) == 1 and alias_of(arns[0]) == alias:  # a person
                who = person(arns[0], users)
            else:  # a schedule, resolved to who is on call
                who = f"`{alias}` → {people(arns, users) if arns else 'nobody on call'}"
            targets.append(who + ("" if essential else " (non-essential)"))
        lines.append(f"stage {index} ({stage.minutes} min): {', '.join(targets)}")
    head = f"*{escape(plan.display_name)}* (`{plan.alias}`) would page now:"
    return fit_text(head, lines, f"`/incident plan {plan.alias}`")


def cover_text(cover: Cover) -> str:
    covered = ", ".join(f"<@{user}>" for user in cover.covered) or "nobody"
    return (
        f":handshake: <@{cover.covering}> covers {covered} on "
        f"*{escape(cover.schedule.display_name)}* (`{cover.schedule.alias}`) from "
        f"{slack_date(cover.start)} to {slack_date(cover.end)}."
    )


def overrides_blocks(
    schedule: Contact, overrides: Sequence[tuple[Override, Sequence[str]]]
) -> list[dict[str, Any]]:
    """A schedule's overrides, each with **Remove** (value: rotation id and override id), as
    many as a message holds."""
    head = f"*{escape(schedule.display_name)}* (`{schedule.alias}`)"
    if not overrides:
        text = f"{head} has no override from now on. Add one with `/incident cover`."
        return as_dicts([SectionBlock(text=MarkdownTextObject(text=text))])
    items: list[list[Block]] = []
    for override, users in overrides:
        who = ", ".join(f"<@{u}>" for u in users) or people(override.contact_arns, {})
        text = f"{who} from {slack_date(override.start)} to {slack_date(override.end)}"
        items.append(
            [
                SectionBlock(
                    text=MarkdownTextObject(text=clip(text, SECTION_TEXT)),
                    accessory=ButtonElement(
                        text="Remove",
                        action_id=OncallAction.REMOVE_OVERRIDE,
                        value=f"{override.rotation_id}|{override.override_id}",
                        style="danger",
                        confirm=ConfirmObject(
                            title="Remove this override?",
                            text="The rotation's own people are on call again for its time.",
                            confirm="Remove",
                            deny="Keep",
                        ),
                    ),
                )
            ]
        )
    rest = "the rotations' overrides in the AWS console"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"{head} overrides:"))]
    return as_dicts([*blocks, *fit_blocks(items, MESSAGE_BLOCKS - 1, rest)])


HANDOFF_EVENT = "oncall_handoff"


def handoff_metadata(key: str) -> dict[str, Any]:
    return {"event_type": HANDOFF_EVENT, "event_payload": {"handoff": key}}


def _incidents(count: int) -> str:
    if count == 0:
        return "no incident is open"
    return "1 incident is open" if count == 1 else f"{count} incidents are open"


def _shift(schedule: Contact, start: datetime, end: datetime) -> str:
    return (
        f"*{escape(schedule.display_name)}* (`{schedule.alias}`) from {slack_date(start)} "
        f"to {slack_date(end)}"
    )


def handoff_text(schedule: Contact, start: datetime, end: datetime, open_count: int) -> str:
    """The hand-off DM: the shift coming, and how many incidents are open."""
    return f":pager: You are on call for {_shift(schedule, start, end)}; {_incidents(open_count)}."


def handoff_blocks(
    schedule: Contact, start: datetime, end: datetime, open_count: int, key: str
) -> list[dict[str, Any]]:
    """The hand-off DM with **Cover for me** (value: the hand-off's key)."""
    return with_actions(
        handoff_text(schedule, start, end, open_count),
        ButtonElement(text="Cover for me", action_id=OncallAction.COVER_FOR_ME, value=key),
    )


def handoff_line(
    schedule: Contact, contact_arn: str, user: str | None, start: datetime, end: datetime
) -> str:
    """The on-call channel's line for a hand-off."""
    who = person(contact_arn, {contact_arn: user})
    return f":arrows_counterclockwise: {who} is on call for {_shift(schedule, start, end)}."


def cover_request_blocks(
    schedule: Contact, requester: str, start: datetime, end: datetime, request_id: str
) -> list[dict[str, Any]]:
    """A **Cover for me** request in the on-call channel, with **I'll cover**."""
    text = f":sos: <@{requester}> asks for cover on {_shift(schedule, start, end)}."
    return with_actions(
        text,
        ButtonElement(
            text="I'll cover", action_id=OncallAction.WILL_COVER, value=request_id, style="primary"
        ),
    )


COVER_REQUEST_EVENT = "oncall_cover_request"


def cover_request_metadata(request_id: str) -> dict[str, Any]:
    return {"event_type": COVER_REQUEST_EVENT, "event_payload": {"request": request_id}}


def cover_expired_text(alias: str, requester: str, start: datetime, end: datetime) -> str:
    """A request's message once its shift is over and nobody took it."""
    return (
        f":hourglass: <@{requester}>'s request for cover on `{alias}` from {slack_date(start)} "
        f"to {slack_date(end)} expired: the shift is over and nobody took it."
    )


def text_blocks(text: str) -> list[dict[str, Any]]:
    """One section: a request's message once it is answered (its button gone)."""
    return as_dicts([SectionBlock(text=MarkdownTextObject(text=text))])
