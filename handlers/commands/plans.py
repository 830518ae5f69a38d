"""``/incident plan <alias> [edit]`` (an escalation plan, and its edit form) and
``/incident me`` (your own channels and paging plan)."""

from __future__ import annotations

from bot.blocks.personal import me_blocks
from bot.blocks.plans import plan_blocks
from handlers.commands.registry import Invocation, Subcommand
from handlers.forms import open_plan_form


async def plan(invocation: Invocation) -> None:
    alias, _, rest = invocation.args.partition(" ")
    plans = invocation.services.plans
    if rest.strip().lower() == "edit":
        await open_plan_form(
            invocation.services.forms,
            plans,
            invocation.trigger_id,
            invocation.user_id,
            alias,
            invocation.channel_id,
        )
        return
    if rest.strip():
        await invocation.respond(
            text=":warning: `/incident plan <alias>` shows a plan; `/incident plan <alias> edit` "
            "edits it.",
            response_type="ephemeral",
        )
        return
    shown = await plans.plan(alias)
    targets = [t.contact_arn for s in shown.stages for t in s.targets if t.contact_arn]
    await invocation.respond(
        text=f"Escalation plan {shown.alias}",
        blocks=plan_blocks(shown, await plans.members(targets)),
        response_type="ephemeral",
    )


async def me(invocation: Invocation) -> None:
    mine = await invocation.services.personal_plans.mine(invocation.user_id)
    await invocation.respond(
        text=f"Your contact {mine.contact.alias}", blocks=me_blocks(mine), response_type="ephemeral"
    )


SUBCOMMANDS = [
    Subcommand(
        "plan",
        "plan <escalation-plan> [edit]",
        "show an escalation plan's stages and who they page; edit them (admins)",
        plan,
    ),
    Subcommand(
        "me",
        "me",
        "your contact's channels (activate them) and your own paging plan (edit it)",
        me,
    ),
]
