"""``/incident oncall|cover|overrides``: who is on call, and covering a shift."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from bot.blocks.oncall import (
    cover_text,
    overrides_blocks,
    plan_now_text,
    schedule_text,
    schedules_text,
)
from bot.contacts import alias_of
from bot.oncall.times import FORMS, user_zone, window
from bot.people import MENTION
from bot.permissions import Right
from bot.tokens import client_token
from bot.vocabulary import ContactType
from handlers.commands.registry import Invocation, Subcommand

COVER_USAGE = "cover <schedule> [@user] <from> <to>"


async def users_of(invocation: Invocation, arns: Iterable[str]) -> dict[str, str | None]:
    """Contact ARN → linked Slack user."""
    people = invocation.services.people
    return {arn: await people.slack_user_for(arn, alias_of(arn)) for arn in dict.fromkeys(arns)}


async def oncall(invocation: Invocation) -> None:
    on_call = invocation.services.on_call
    if invocation.args:
        contact = await invocation.services.people.contact(invocation.args)
        if contact.type == ContactType.ESCALATION:
            stages = await on_call.stages_now(contact)
            users = await users_of(invocation, (a for s in stages for t in s.targets for a in t[2]))
            text = plan_now_text(contact, stages, users)
            await invocation.respond(text=text, response_type="ephemeral")
            return
        schedules = [await on_call.of(await on_call.schedule(invocation.args))]
    else:
        schedules = [await on_call.of(schedule) for schedule in await on_call.schedules()]
    arns = (
        arn
        for schedule in schedules
        for rota in schedule.rotas
        for duty in (rota.now, rota.next)
        if duty
        for arn in duty.contact_arns
    )
    users = await users_of(invocation, arns)
    if len(schedules) == 1:
        text = schedule_text(schedules[0], users)
    else:
        text = schedules_text(schedules, users)
    await invocation.respond(text=text, response_type="ephemeral")


async def cover(invocation: Invocation) -> None:
    words = invocation.args.split()
    if len(words) < 3:
        await invocation.respond(
            text=f":warning: `/incident {COVER_USAGE}`: times as {FORMS}, in your time zone.",
            response_type="ephemeral",
        )
        return
    schedule, words = words[0], words[1:]
    covering = invocation.user_id
    if mention := MENTION.match(words[0]):
        covering, words = mention.group(1), words[1:]
    services = invocation.services
    zone = await user_zone(services.directory, invocation.user_id)
    start, end = window(words, zone, datetime.now(UTC))
    token = client_token("cover", invocation.trigger_id or invocation.body.get("text", ""))
    done = await services.covers.cover(schedule, covering, start, end, invocation.user_id, token)
    await invocation.respond(text=cover_text(done), response_type="ephemeral")


async def overrides(invocation: Invocation) -> None:
    if not invocation.args:
        await invocation.respond(
            text=":warning: `/incident overrides <schedule>`.", response_type="ephemeral"
        )
        return
    schedule, found = await invocation.services.covers.overrides(invocation.args)
    blocks = overrides_blocks(schedule, found)
    text = f"Overrides of {schedule.alias}"
    await invocation.respond(text=text, blocks=blocks, response_type="ephemeral")


SUBCOMMANDS = [
    Subcommand(
        "oncall",
        "oncall [schedule|plan]",
        "who is on call now, until when, and who is next (a plan: who it would page now)",
        oncall,
        Right.MEMBER,
    ),
    Subcommand(
        "cover",
        COVER_USAGE,
        "hand your own shift to @user (responders and admins: anyone's), in your time zone",
        cover,
        Right.MEMBER,
    ),
    Subcommand(
        "overrides",
        "overrides <schedule>",
        "a schedule's covers from now on, each with Remove",
        overrides,
        Right.MEMBER,
    ),
]
