"""The yardstick of the acks benchmark: a bare Bolt ``AsyncApp`` that acks ``/incident`` and
responds with a text of a given size, and nothing else.

    python -m benchmarks.bare_bolt PORT SIGNING_SECRET SLACK_API_URL RESPONSE_CHARS
"""

from __future__ import annotations

import sys
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient


def bare_app(signing_secret: str, api_url: str, response_chars: int) -> AsyncApp:
    app = AsyncApp(
        client=AsyncWebClient(token="xoxb-bare", base_url=api_url),
        signing_secret=signing_secret,
        process_before_response=False,
    )
    text = "x" * response_chars

    @app.command("/incident")
    async def incident(ack: Any, respond: Any) -> None:
        await ack()
        await respond(text=text, response_type="ephemeral")

    return app


if __name__ == "__main__":
    port, secret, api_url, chars = sys.argv[1:5]
    web_app = bare_app(secret, api_url, int(chars)).web_app(path="/slack/events")
    web_app.router.add_get("/healthz", lambda _: web.json_response({"ok": True}))
    web.run_app(web_app, host="127.0.0.1", port=int(port), print=None, access_log=None)
