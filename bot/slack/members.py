"""Who may hold a role: a person in the workspace now, as Slack says."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import InvalidInput
from bot.mrkdwn import escape

SLACKBOT = "USLACKBOT"
NO_SUCH_USER = frozenset({"user_not_found", "user_not_visible"})


async def real_person(slack: AsyncWebClient, user_id: str) -> None:
    """``user_id`` is a person in the workspace now (``users.info``: there, not a bot, not
    deactivated), else InvalidInput saying which and what to do."""
    try:
        user = (await slack.users_info(user=user_id))["user"]
    except SlackApiError as exc:
        error = exc.response.get("error")
        if error in NO_SUCH_USER:
            raise InvalidInput(
                f"`{escape(user_id)}` is nobody in this workspace: mention the person "
                "(`@name`) to give them the role."
            ) from None
        raise InvalidInput(
            f"Slack would not say who <@{user_id}> is ({error}), so the role was not given. "
            "Try again in a minute."
        ) from None
    if user.get("is_bot") or user_id == SLACKBOT:
        raise InvalidInput(f"<@{user_id}> is a bot: a role goes to a person.")
    if user.get("deleted"):
        raise InvalidInput(f"<@{user_id}> is deactivated in Slack: give the role to someone else.")
