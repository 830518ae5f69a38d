"""``incident-bot manifest``: the Slack app manifest shipped with the package."""

from __future__ import annotations

from importlib.resources import files

PLACEHOLDER_URL = "https://example.com/slack/events"
EVENTS_PATH = "/slack/events"


def app_manifest(http_url: str | None = None) -> str:
    """The manifest as shipped (Socket Mode), or for HTTP mode with Slack's requests sent to
    ``http_url`` (the bot's public base URL; ``/slack/events`` is added unless given)."""
    text = files("bot").joinpath("manifest.yml").read_text(encoding="utf-8")
    if http_url is None:
        return text
    url = http_url.rstrip("/")
    if not url.endswith(EVENTS_PATH):
        url += EVENTS_PATH
    return text.replace(PLACEHOLDER_URL, url).replace(
        "socket_mode_enabled: true", "socket_mode_enabled: false"
    )
