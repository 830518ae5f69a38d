"""``/incident role|post-update|export``: a responder's routine."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError

from bot.blocks.card import roles_line
from bot.blocks.common import error_text
from bot.errors import InvalidInput
from bot.mrkdwn import escape
from bot.people import MENTION, USER_ID
from bot.permissions import Right
from bot.slack.members import real_person
from bot.slack.messages import display_name
from bot.slack.notify import say
from handlers.audit import audit
from handlers.commands.registry import Invocation, Subcommand
from handlers.views.status_update import open_status_update_form

ROLE_USAGE = "role <role> @user"


def _assignee(text: str) -> str:
    """The Slack user a ``@mention`` (or a ``U…`` id) names."""
    text = text.strip()
    if mention := MENTION.match(text):
        return mention.group(1)
    if USER_ID.match(text):
        return text
    raise InvalidInput(
        f"Say who takes the role with a mention: `/incident {ROLE_USAGE}`, e.g. "
        f"`/incident role commander @dana`. You sent `{escape(text) or 'nobody'}`."
    )


async def role(invocation: Invocation) -> None:
    services = invocation.services
    roles = services.incidents.roles
    arn = await invocation.incident_arn()
    if not invocation.args:
        held = await roles.held(arn)
        choices = ", ".join(f"`{name}`" for name in roles.names)
        text = roles_line(held) if held else "Nobody holds a role in this incident yet."
        await invocation.respond(
            text=f"{text}\nRoles: {choices}. `/incident {ROLE_USAGE}` assigns one.",
            response_type="ephemeral",
        )
        return
    name, _, who = invocation.args.partition(" ")
    role_name = roles.check(name)
    user = _assignee(who)
    await real_person(services.slack, user)
    incident = await services.incidents.get(arn)
    before = await roles.assign(arn, role_name, user, invocation.user_id)
    await services.incidents.refresh_card(arn)
    holder = await display_name(services.slack, user)
    given = f"Role {role_name} given to {holder} ({user})"
    await audit(services, invocation.user_id, arn, given, invocation.trigger_id)
    channel = await services.incidents.channel_of(arn)
    where = f" in <#{channel}>" if channel else ""
    try:
        await services.slack.chat_postMessage(
            channel=user,
            text=f"<@{invocation.user_id}> made you the *{role_name}* of the incident "
            f"*{escape(incident.title)}*{where}.",
        )
    except SlackApiError as exc:  # a bot, a deactivated user: the role stands, untold
        await invocation.respond(
            text=error_text(
                f"<@{user}> is the {role_name} now, but Slack would not let me tell them "
                f"by DM ({exc.response.get('error')}): tell them yourself."
            ),
            response_type="ephemeral",
        )
    replaced = f" (was <@{before}>)" if before and before != user else ""
    await say(
        services.slack,
        channel,
        f":bust_in_silhouette: <@{invocation.user_id}> made <@{user}> the *{role_name}*{replaced}.",
    )
    if channel != invocation.channel_id:
        await invocation.respond(
            text=f"<@{user}> is now the {role_name} of *{escape(incident.title)}*.",
            response_type="ephemeral",
        )


async def post_update(invocation: Invocation) -> None:
    arn = await invocation.incident_arn(invocation.args)
    await open_status_update_form(
        invocation.services, invocation.trigger_id, invocation.user_id, arn
    )


async def export(invocation: Invocation) -> None:
    arn = await invocation.incident_arn(invocation.args)
    where = await invocation.services.exports.export(arn)
    await invocation.respond(text=f"Exported the incident as {where}.", response_type="ephemeral")


SUBCOMMANDS = [
    Subcommand(
        "role",
        f"{ROLE_USAGE}",
        "give someone a role (commander, communications, …); alone, who holds which",
        role,
        lambda args: Right.CHANGE if args.strip() else Right.READ,
    ),
    Subcommand(
        "post-update",
        "post-update",
        "post a status update (a form): timeline, channel, announcement for impact 1-2",
        post_update,
        Right.CHANGE,
        names_incident=True,
    ),
    Subcommand(
        "export",
        "export",
        "export record, roles and timeline as a canvas (or a Markdown file) for the review",
        export,
        Right.CHANGE,
        names_incident=True,
    ),
]
