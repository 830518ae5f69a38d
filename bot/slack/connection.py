"""Socket Mode's first step, taken before connecting so a refused app token is one clear line."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import HOW_TO_FIX, ConfigError


async def check_app_token(client: AsyncWebClient, app_token: str) -> None:
    """``apps.connections.open`` with the app-level token, as the Socket Mode client will call it.

    slack_sdk's client retries a refused token forever with a traceback each time; this turns
    the refusal into a ConfigError naming SLACK_APP_TOKEN.
    """
    try:
        await client.apps_connections_open(app_token=app_token)
    except SlackApiError as exc:
        raise ConfigError(
            f"SLACK_APP_TOKEN was refused by Slack ({exc.response.get('error')}): "
            f"{HOW_TO_FIX['SLACK_APP_TOKEN']}."
        ) from None
