"""manifest.yml and the code agree: every listener, event and Web API scope."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

from bot.config import load_settings
from handlers.commands import subcommands
from handlers.surfaces import register_all

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())

# The bot scope each Web API method needs (https://api.slack.com/methods).
METHOD_SCOPES = {
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    "chat_delete": "chat:write",
    "chat_getPermalink": None,
    "conversations_create": "channels:manage",
    "conversations_invite": "channels:manage",
    "conversations_join": "channels:join",
    "conversations_info": "channels:read",  # and groups:read for a private channel
    "conversations_members": "channels:read",  # and groups:read for a private channel
    "conversations_history": "im:history",  # the bot reads only its DMs' history
    "conversations_replies": "channels:history",
    "conversations_open": "im:write",
    "pins_add": "pins:write",
    "reactions_add": "reactions:write",
    "users_info": "users:read",
    "bots_info": "users:read",
    "users_lookupByEmail": "users:read.email",
    "usergroups_users_list": "usergroups:read",
    "views_open": None,
    "views_update": None,
    "views_push": None,
    "views_publish": None,
    "auth_test": None,
    "conversations_archive": "channels:manage",  # and groups:write for a private channel
    "canvases_create": "canvases:write",
    "canvases_access_set": "canvases:write",
    "files_upload_v2": "files:write",
}
EVENT_SCOPES = {
    "reaction_added": "reactions:read",
    "message.channels": "channels:history",
    "app_home_opened": None,
}


class RecordingApp:
    """Stands in for AsyncApp during registration and records what is registered."""

    def __init__(self) -> None:
        self.registered: dict[str, set[str]] = {}
        self.listeners: dict[str, list[Callable[..., Any]]] = {}

    def __getattr__(self, kind: str) -> Any:
        def decorator_factory(key: Any = None, *args: Any, **kwargs: Any) -> Any:
            if isinstance(key, dict):
                key = key.get("callback_id") or key.get("type")
            self.registered.setdefault(kind, set()).add(str(key))

            def decorator(function: Callable[..., Any]) -> Callable[..., Any]:
                self.listeners.setdefault(kind, []).append(function)
                return function

            return decorator

        return decorator_factory


def recording() -> RecordingApp:
    app = RecordingApp()
    register_all(app, SimpleNamespace(settings=load_settings(_env_file=None)))  # type: ignore[arg-type]
    return app


def registered() -> dict[str, set[str]]:
    return recording().registered


def test_every_slash_command_is_in_the_manifest_and_back() -> None:
    in_manifest = {command["command"] for command in MANIFEST["features"]["slash_commands"]}
    assert in_manifest == registered().get("command", set())


def test_every_shortcut_is_in_the_manifest_and_back() -> None:
    in_manifest = {
        (shortcut["type"], shortcut["callback_id"])
        for shortcut in MANIFEST["features"].get("shortcuts", [])
    }
    in_code = registered().get("shortcut", set())
    assert {callback_id for _, callback_id in in_manifest} == in_code
    assert all(kind in ("message", "global") for kind, _ in in_manifest)


def test_every_event_listened_to_is_subscribed() -> None:
    subscribed = set(MANIFEST["settings"].get("event_subscriptions", {}).get("bot_events", []))
    listened = registered().get("event", set())
    assert {event.split(".")[0] for event in subscribed} == listened
    for event in subscribed:
        scope = EVENT_SCOPES[event]
        assert scope is None or scope in MANIFEST["oauth_config"]["scopes"]["bot"], event


def test_the_home_tab_is_on_because_it_is_published() -> None:
    app_home = MANIFEST["features"]["app_home"]
    assert ("app_home_opened" in registered().get("event", set())) is app_home["home_tab_enabled"]
    assert app_home["messages_tab_enabled"] is True  # pages arrive as direct messages


def test_interactivity_and_socket_mode_are_on() -> None:
    assert MANIFEST["settings"]["interactivity"]["is_enabled"] is True
    assert MANIFEST["settings"]["socket_mode_enabled"] is True


def test_external_selects_have_an_options_url_because_options_are_served() -> None:
    interactivity = MANIFEST["settings"]["interactivity"]
    served = bool(registered().get("options"))
    assert ("message_menu_options_url" in interactivity) is served
    if served:
        assert interactivity["message_menu_options_url"] == interactivity["request_url"]


def test_every_web_api_method_the_code_calls_has_its_scope() -> None:
    source = "\n".join(
        path.read_text() for folder in ("bot", "handlers") for path in (ROOT / folder).rglob("*.py")
    )
    called = set(re.findall(r"\.(\w+_\w+)\(", source)) & set(METHOD_SCOPES)
    needed = {METHOD_SCOPES[method] for method in called} - {None}
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert "commands" in scopes
    assert needed <= scopes, f"manifest.yml lacks scopes {sorted(needed - scopes)}"


def test_the_manifest_usage_hint_names_only_real_subcommands() -> None:
    names = {sub.name for sub in subcommands()}
    hint = MANIFEST["features"]["slash_commands"][0]["usage_hint"]
    mentioned = {part.strip().split(" ")[0] for part in hint.split("|")}
    assert mentioned <= names


def test_every_listener_the_edge_acks_first_calls_ack_before_anything_else() -> None:
    """handlers/edge.py lets a slash command, button or shortcut past ``ack()`` only when it is
    the request's first delivery: a listener doing work before its ack would do it twice."""
    listeners = recording().listeners
    checked = [f for kind in ("command", "action", "shortcut") for f in listeners.get(kind, [])]
    late = []
    for listener in checked:
        [definition] = ast.parse(textwrap.dedent(inspect.getsource(listener))).body
        assert isinstance(definition, ast.AsyncFunctionDef)
        first = definition.body[0]
        if not (
            isinstance(first, ast.Expr)
            and isinstance(first.value, ast.Await)
            and isinstance(first.value.value, ast.Call)
            and isinstance(first.value.value.func, ast.Name)
            and first.value.value.func.id == "ack"
        ):
            late.append(f"{listener.__module__}.{listener.__qualname__}")
    assert len(checked) > 20
    assert late == []
