"""Slack calls as readable lines, for the demo and for people reading a test log."""

from __future__ import annotations

import re
from typing import Any

from emulator.slack.web_api import Call, FakeSlack

MENTION = re.compile(r"<@(U[A-Z0-9]+)>")
DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
CHANNEL = re.compile(r"<#(C[A-Z0-9]+)(?:\|[^>]*)?>")
LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")


def _text(obj: Any) -> str:
    return obj.get("text", "") if isinstance(obj, dict) else str(obj or "")


def render_blocks(blocks: list[dict[str, Any]]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(f"== {_text(block['text'])} ==")
        elif kind == "section":
            if block.get("text"):
                lines.extend(_text(block["text"]).splitlines())
            fields = [_text(f).replace("\n", ": ", 1) for f in block.get("fields", [])]
            if fields:
                lines.append(" | ".join(fields))
            if block.get("accessory", {}).get("type") == "button":
                lines.append(f"[{_text(block['accessory']['text'])}]")
        elif kind == "context":
            lines.append("  " + " ".join(_text(e) for e in block.get("elements", [])))
        elif kind == "actions":
            labels = [
                f"[{_text(e.get('text') or e.get('placeholder'))}]"
                for e in block.get("elements", [])
            ]
            lines.append(" ".join(labels))
        elif kind == "input":
            element = block.get("element", {})
            initial = element.get("initial_value") or _text(
                (element.get("initial_option") or {}).get("text")
            )
            lines.append(f"{_text(block.get('label'))}: {initial or '…'}")
    return lines


def render_call(fake: FakeSlack, call: Call) -> str | None:
    """One line block per user-visible call; None for calls a person would not see."""
    args = call.args
    if not call.response.get("ok", False):
        if call.method.startswith(("users.", "conversations.info")):
            return None  # look-ups that come back empty are not something a person sees
        return f"  (Slack refused {call.method}: {call.response.get('error')})"
    if call.method in ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"):
        channel = args.get("channel", "")
        where = _where(fake, channel) if channel else "(reply to the command)"
        verb = {"chat.update": "updated", "chat.postEphemeral": "only you see"}.get(call.method, "")
        body = render_blocks(args.get("blocks") or []) or [args.get("text", "")]
        head = f"{where}  incident-bot{' (' + verb + ')' if verb else ''}:"
        return "\n".join([head, *("    " + _named(fake, line) for line in body)])
    if call.method in ("views.open", "views.update"):
        view = args["view"]
        shown = "modal" if call.method == "views.open" else "modal filled in"
        return "\n".join(
            [
                f"[{shown}] {_text(view.get('title'))}",
                *("    " + _named(fake, line) for line in render_blocks(view.get("blocks", []))),
            ]
        )
    if call.method == "views.publish":
        body = render_blocks(args["view"].get("blocks", []))
        head = f"[Home tab of @{fake.users[args['user_id']]['name']}]"
        return "\n".join([head, *("    " + _named(fake, line) for line in body)])
    if call.method == "conversations.create":
        return f"[new channel] #{call.response['channel']['name']}"
    if call.method == "pins.add":
        return f"[pinned] in {_where(fake, args['channel'])}"
    return None


def _named(fake: FakeSlack, line: str) -> str:
    """Mentions, channels, dates and labelled links as Slack would show them."""
    line = LINK.sub(lambda m: m.group(2), DATE.sub(lambda m: m.group(1), line))
    line = CHANNEL.sub(lambda m: _where(fake, m.group(1)), line)
    return MENTION.sub(lambda m: f"@{fake.users.get(m.group(1), {}).get('name', m.group(1))}", line)


def _where(fake: FakeSlack, channel: str) -> str:
    try:
        found = fake.channel(channel)
    except Exception:
        return channel
    return f"DM @{fake.users[found.name]['name']}" if found.is_im else f"#{found.name}"
