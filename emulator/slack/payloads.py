"""What Slack sends an app, built from the workspace as Slack builds it: a slash command's form,
interaction payloads (buttons, menus, forms, shortcuts) and Events API envelopes."""

from __future__ import annotations

import time
from typing import Any

from emulator.slack.workspace import BOT_USER, TEAM, Workspace

APP_ID = "AINCIDENT"
VERIFICATION_TOKEN = "deprecated-verification-token"


def slash_command_form(
    workspace: Workspace, command: str, text: str, user_id: str, channel_id: str
) -> dict[str, str]:
    """One invocation's form, to deliver (or redeliver, as a replay or a proxy does)."""
    channel = workspace.channel(channel_id)
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM,
        "team_domain": "fake",
        "channel_id": channel.id,
        "channel_name": channel.name,
        "user_id": user_id,
        "user_name": workspace.user(user_id)["name"],
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": workspace.response_url(channel.id, user_id),
        "trigger_id": workspace.issue_trigger(),
    }


def interaction(workspace: Workspace, kind: str, user_id: str) -> dict[str, Any]:
    """What every interaction payload of ``kind`` starts with: who, where, a fresh trigger."""
    user = workspace.user(user_id)
    return {
        "type": kind,
        "user": {"id": user_id, "username": user["name"], "name": user["name"], "team_id": TEAM},
        "team": {"id": TEAM, "domain": "fake"},
        "api_app_id": APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": workspace.issue_trigger(),
        "is_enterprise_install": False,
    }


def action(
    action_id: str,
    block_id: str,
    value: str | None,
    selected_option: dict[str, Any] | None,
    cleared: bool,
) -> dict[str, Any]:
    """A button press, or a ``static_select`` choice (``cleared``: the person deselected, and
    Slack sends ``selected_option: null``)."""
    pressed: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "type": "static_select" if selected_option or cleared else "button",
        "action_ts": str(time.time()),
    }
    if value is not None:
        pressed["value"] = value
    if selected_option is not None or cleared:
        pressed["selected_option"] = selected_option
    return pressed


def container(
    workspace: Workspace,
    user_id: str,
    channel_id: str | None,
    message_ts: str | None,
    view_id: str | None,
) -> dict[str, Any]:
    """Where a block action happened: an ephemeral message (no ts Slack shares), a message, or
    a view, each as Slack describes it in the payload."""
    where: dict[str, Any] = {}
    if channel_id and not message_ts:
        channel = workspace.channel(channel_id)
        where = {
            "container": {"type": "message", "channel_id": channel.id, "is_ephemeral": True},
            "channel": {"id": channel.id, "name": channel.name},
            "response_url": workspace.response_url(channel.id, user_id),
        }
    if channel_id and message_ts:
        message = workspace.message(channel_id, message_ts)
        channel = workspace.channel(channel_id)
        where = {
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel.id},
            "channel": {"id": channel.id, "name": channel.name},
            "message": message,
            "response_url": workspace.response_url(channel.id, user_id),
        }
    if view_id:
        where |= {
            "container": {"type": "view", "view_id": view_id},
            "view": workspace.views[view_id],
        }
    return where


def button_value(message: dict[str, Any], action_id: str) -> str:
    """The value of the message's ``action_id`` button."""
    value = next(
        (
            element.get("value")
            for block in message.get("blocks", [])
            if block.get("type") == "actions"
            for element in block.get("elements", [])
            if element.get("action_id") == action_id
        ),
        None,
    )
    if value is None:
        raise LookupError(f"the message has no {action_id} button")
    return str(value)


def message_action(
    workspace: Workspace, callback_id: str, user_id: str, channel_id: str, message_ts: str
) -> dict[str, Any]:
    """A message shortcut on message ``message_ts``."""
    channel = workspace.channel(channel_id)
    return {
        **interaction(workspace, "message_action", user_id),
        "callback_id": callback_id,
        "action_ts": str(time.time()),
        "message_ts": message_ts,
        "message": workspace.message(channel.id, message_ts),
        "channel": {"id": channel.id, "name": channel.name},
        "response_url": workspace.response_url(channel.id, user_id),
    }


def event_callback(event: dict[str, Any], event_id: str) -> dict[str, Any]:
    """The Events API's envelope of one event."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": TEAM,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM, "user_id": BOT_USER, "is_bot": True}],
    }


def app_rate_limited(minute: int) -> dict[str, Any]:
    """Slack's notice that it holds back the app's events for ``minute``."""
    return {
        "token": VERIFICATION_TOKEN,
        "type": "app_rate_limited",
        "team_id": TEAM,
        "minute_rate_limited": minute,
        "api_app_id": APP_ID,
    }


def message_changed(workspace: Workspace, channel_id: str, ts: str, text: str) -> dict[str, Any]:
    """Its author edits message ``ts`` to ``text``: hidden, with the message as it is now and
    as it was."""
    previous = workspace.message(channel_id, ts)
    now = f"{time.time():.6f}"
    edited = {**previous, "text": text, "edited": {"user": previous.get("user"), "ts": now}}
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": channel_id,
        "message": edited,
        "previous_message": previous,
        "ts": now,
        "event_ts": now,
    }


def reaction_added(
    workspace: Workspace, user_id: str, channel_id: str, ts: str, name: str
) -> dict[str, Any]:
    message = workspace.message(channel_id, ts)
    return {
        "type": "reaction_added",
        "user": user_id,
        "reaction": name,
        "item": {"type": "message", "channel": channel_id, "ts": ts},
        "item_user": message.get("user"),
        "event_ts": str(time.time()),
    }


def app_home_opened(workspace: Workspace, user_id: str) -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user_id,
        "channel": workspace.im(user_id).id,
        "tab": "home",
        "event_ts": str(time.time()),
    }
