"""Related items: links and AWS resources attached to an incident."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

from bot.aws.gateway import INCIDENTS, AwsGateway
from bot.errors import InvalidInput, NotFound
from bot.tokens import client_token

ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$")


@dataclass(frozen=True)
class RelatedItem:
    type: str
    key: str  # "url" or "arn": which member of ItemValue holds the value
    value: str
    title: str | None = None

    def identifier(self) -> dict[str, Any]:
        return {"type": self.type, "value": {self.key: self.value}}

    @classmethod
    def from_aws(cls, item: dict[str, Any]) -> RelatedItem:
        identifier = item.get("identifier") or {}
        value = identifier.get("value") or {}
        key = next((k for k in ("url", "arn", "metricDefinition") if value.get(k)), "url")
        return cls(
            str(identifier.get("type", "OTHER")), key, str(value.get(key, "")), item.get("title")
        )


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
    def __init__(self, gateway: AwsGateway) -> None:
        self.gateway = gateway

    async def list(self, arn: str) -> list[RelatedItem]:
        items = await self.gateway.pages(
            INCIDENTS, "list_related_items", "relatedItems", incidentRecordArn=arn
        )
        return [RelatedItem.from_aws(item) for item in items]

    async def add(self, arn: str, item: RelatedItem, *token_parts: str) -> None:
        payload: dict[str, Any] = {"identifier": item.identifier()}
        if item.title:
            payload["title"] = item.title[:200]
        await self.gateway.call(
            INCIDENTS,
            "update_related_items",
            incidentRecordArn=arn,
            clientToken=client_token("link", *token_parts, item.value),
            relatedItemsUpdate={"itemToAdd": payload},
        )

    async def remove(self, arn: str, value: str, *token_parts: str) -> RelatedItem:
        item = next((i for i in await self.list(arn) if i.value == value), None)
        if item is None:
            raise NotFound(
                f"`{value}` is not linked to this incident; `/incident links` lists what is."
            )
        await self.gateway.call(
            INCIDENTS,
            "update_related_items",
            incidentRecordArn=arn,
            clientToken=client_token("unlink", *token_parts, value),
            relatedItemsUpdate={"itemToRemove": item.identifier()},
        )
        return item
