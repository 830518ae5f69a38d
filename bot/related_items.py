"""Related items: links and AWS resources attached to an incident."""

from __future__ import annotations

import asyncio
import re
from collections import defaultdict
from collections.abc import Sequence
from urllib.parse import urlparse

from bot.aws.incidents import IncidentsPort
from bot.errors import Conflict, InvalidInput, NotFound
from bot.events import Bus
from bot.incidents.events import RelatedItemLinked, RelatedItemUnlinked
from bot.incidents.record import RelatedItem
from bot.tokens import client_token

ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$")


def parse_reference(text: str, title: str | None = None) -> RelatedItem:
    """An ARN is an involved resource, a CloudWatch metric or dashboard link a metric,
    any other http(s) URL OTHER; anything else is refused with an example."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):  # Slack's own <url> markup
        text = text[1:-1]
    if any(char in text for char in "|<>"):
        raise InvalidInput(
            "A link cannot contain `|`, `<` or `>`: Slack would show a label instead of where it "
            "leads. Give the plain URL, and a title after it: `/incident link <url> [title]`."
        )
    if text.startswith("arn:"):
        if not ARN.match(text):
            raise InvalidInput(f"`{text}` is not a valid ARN (arn:aws:service:region:account:…).")
        return RelatedItem("INVOLVED_RESOURCE", "arn", text, title)
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or "." not in parsed.netloc:
        raise InvalidInput(
            f"`{text}` is neither a URL nor an ARN. Example: "
            "`/incident link https://runbooks.example.com/db Runbook` or "
            "`/incident link arn:aws:rds:us-east-1:123456789012:db:orders`."
        )
    host_and_fragment = f"{parsed.netloc}{parsed.path}#{parsed.fragment}".lower()
    is_metric = "cloudwatch" in host_and_fragment and any(
        word in host_and_fragment for word in ("metrics", "dashboards", "alarm")
    )
    return RelatedItem("METRIC" if is_metric else "OTHER", "url", text, title)


class RelatedItems:
    def __init__(self, aws: IncidentsPort, bus: Bus) -> None:
        self.aws = aws
        self.bus = bus
        self._adding: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def add_new(
        self, arn: str, items: Sequence[RelatedItem], *token_parts: str
    ) -> list[RelatedItem]:
        """Link those of ``items`` not linked yet, and say which it linked. One at a time per
        incident, so two presses of the same shortcut count each link once between them."""
        async with self._adding[arn]:
            linked = {i.value for i in await self.list(arn)}
            added = []
            for item in items:
                if item.value in linked:
                    continue
                try:
                    await self.add(arn, item, *token_parts)
                except Conflict:
                    continue
                added.append(item)
            return added

    async def list(self, arn: str) -> list[RelatedItem]:
        return await self.aws.related_items(arn)

    async def add(self, arn: str, item: RelatedItem, *token_parts: str) -> None:
        await self.aws.add_related_item(arn, item, client_token("link", *token_parts, item.value))
        await self.bus.publish(RelatedItemLinked(arn, item))

    async def remove(self, arn: str, value: str, *token_parts: str) -> RelatedItem:
        item = next((i for i in await self.list(arn) if i.value == value), None)
        if item is None:
            raise NotFound(
                f"`{value}` is not linked to this incident; `/incident links` lists what is."
            )
        await self.aws.remove_related_item(arn, item, client_token("unlink", *token_parts, value))
        await self.bus.publish(RelatedItemUnlinked(arn, item))
        return item
