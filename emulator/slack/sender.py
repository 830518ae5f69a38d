"""Sends the bot signed requests exactly as Slack does: commands, interactions, events."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from emulator.slack import payloads
from emulator.slack.socket_mode import NotAcknowledged
from emulator.slack.web_api import FakeSlack

FORM = "application/x-www-form-urlencoded"


@dataclass(frozen=True)
class Delivery:
    """The bot's HTTP answer to one request (``delivered`` False: Slack kept the request back,
    an event past the Events API's hourly limit, and ``status`` is 0)."""

    status: int
    body: str
    delivered: bool = True

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


def sign(secret: str, timestamp: str, body: str) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackSender:
    """Builds Slack's payloads from the fake workspace and posts them to ``events_url``."""

    def __init__(self, events_url: str, signing_secret: str, fake: FakeSlack) -> None:
        self.events_url = events_url
        self.signing_secret = signing_secret
        self.fake = fake
        self._event_ids = itertools.count(1)
        self.rate_limit_notices: list[Delivery] = []  # app_rate_limited, as the bot answered

    async def deliver(
        self,
        kind: str,
        payload: dict[str, Any],
        signing_secret: str | None = None,
        timestamp_offset: float = 0,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> Delivery:
        """One request over HTTP, encoded and signed as Slack does for its ``kind``."""
        if kind == "slash_commands":
            body, content_type = urlencode(payload), FORM
        elif kind == "interactive":
            body, content_type = urlencode({"payload": json.dumps(payload)}), FORM
        else:
            body, content_type = json.dumps(payload), "application/json"
        timestamp = str(int(time.time() + timestamp_offset))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": sign(signing_secret or self.signing_secret, timestamp, body),
        }
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.events_url, data=body.encode(), headers=headers) as response,
        ):
            return Delivery(response.status, await response.text())

    async def slash_command(
        self,
        command: str,
        text: str,
        user_id: str,
        channel_id: str,
        signing_secret: str | None = None,
        timestamp_offset: float = 0,
    ) -> Delivery:
        form = self.slash_command_form(command, text, user_id, channel_id)
        return await self.deliver("slash_commands", form, signing_secret, timestamp_offset)

    def slash_command_form(
        self, command: str, text: str, user_id: str, channel_id: str
    ) -> dict[str, str]:
        """One invocation's form, to deliver (or redeliver, as a replay or a proxy does)."""
        return payloads.slash_command_form(self.fake, command, text, user_id, channel_id)

    async def interaction(self, payload: dict[str, Any], **knobs: Any) -> Delivery:
        return await self.deliver("interactive", payload, **knobs)

    def _base(self, kind: str, user_id: str) -> dict[str, Any]:
        return payloads.interaction(self.fake, kind, user_id)

    async def block_action(
        self,
        user_id: str,
        action_id: str,
        value: str | None = None,
        channel_id: str | None = None,
        message_ts: str | None = None,
        view_id: str | None = None,
        block_id: str = "actions",
        selected_option: dict[str, Any] | None = None,
        cleared: bool = False,
    ) -> Delivery:
        """A button press, or a ``static_select`` choice (``cleared``: the person deselected,
        and Slack sends ``selected_option: null``)."""
        pressed = payloads.action(action_id, block_id, value, selected_option, cleared)
        payload = {**self._base("block_actions", user_id), "actions": [pressed]}
        payload |= payloads.container(self.fake, user_id, channel_id, message_ts, view_id)
        return await self.interaction(payload)

    async def press(
        self, user_id: str, message: dict[str, Any], action_id: str, channel_id: str | None = None
    ) -> Delivery:
        """``user_id`` presses a message's ``action_id`` button; the message is in their DM
        with the bot unless ``channel_id`` says where."""
        value = payloads.button_value(message, action_id)
        channel = channel_id or self.fake.im(user_id).id
        return await self.block_action(
            user_id, action_id, value, channel_id=channel, message_ts=message["ts"]
        )

    async def view_submission(
        self, user_id: str, view_id: str, values: dict[str, dict[str, dict[str, Any]]]
    ) -> Delivery:
        """``values`` as Slack sends them: ``{block_id: {action_id: {"type": ..., ...}}}``."""
        view = {**self.fake.views[view_id], "state": {"values": values}}
        payload = {**self._base("view_submission", user_id), "view": view, "response_urls": []}
        return await self.interaction(payload)

    async def message_shortcut(
        self, callback_id: str, user_id: str, channel_id: str, message_ts: str
    ) -> Delivery:
        payload = payloads.message_action(self.fake, callback_id, user_id, channel_id, message_ts)
        return await self.interaction(payload)

    async def event(
        self,
        event: dict[str, Any],
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> Delivery:
        """One Events API delivery; past the hourly limit it is kept back and the bot is sent
        ``app_rate_limited`` instead, once a minute (limits.EVENTS_PER_HOUR)."""
        if not self.fake.pacing.event():
            await self._rate_limited()
            return Delivery(0, "not delivered: the Events API limit is reached", delivered=False)
        envelope = payloads.event_callback(event, event_id or f"Ev{next(self._event_ids):010d}")
        return await self.deliver(
            "events_api", envelope, retry_num=retry_num, retry_reason=retry_reason
        )

    async def _rate_limited(self) -> None:
        """Slack's ``app_rate_limited`` event, sent once for each minute events are held back."""
        minute = int(time.time()) // 60 * 60
        if minute in self.fake.pacing.rate_limited_minutes:
            return
        self.fake.pacing.rate_limited_minutes.add(minute)
        notice = payloads.app_rate_limited(minute)
        self.rate_limit_notices.append(await self.deliver("events_api", notice))

    async def message_changed(self, channel_id: str, ts: str, text: str, **knobs: Any) -> Delivery:
        """Its author edits message ``ts`` to ``text``: the ``message_changed`` event Slack sends
        (hidden, with the message as it is now and as it was)."""
        return await self.event(payloads.message_changed(self.fake, channel_id, ts, text), **knobs)

    async def reaction_added(
        self, user_id: str, channel_id: str, ts: str, name: str, **knobs: Any
    ) -> Delivery:
        event = payloads.reaction_added(self.fake, user_id, channel_id, ts, name)
        return await self.event(event, **knobs)

    async def home_opened(self, user_id: str) -> Delivery:
        """``user_id`` opens the app's Home tab."""
        return await self.event(payloads.app_home_opened(self.fake, user_id))


class SocketModeSender(SlackSender):
    """The same payloads, sent as Socket Mode envelopes over the app's WebSocket."""

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__("", "", fake)

    async def deliver(
        self,
        kind: str,
        payload: dict[str, Any],
        signing_secret: str | None = None,
        timestamp_offset: float = 0,
        retry_num: int | None = None,
        retry_reason: str | None = None,
    ) -> Delivery:
        """Socket Mode has no signature or timestamp; a retry is marked in the envelope."""
        try:
            hub = self.fake.socket_mode
            ack = await hub.send(kind, payload, retry_num or 0, retry_reason or "")
        except NotAcknowledged as error:
            return Delivery(504, str(error))
        return Delivery(200, json.dumps(ack) if ack else "")
