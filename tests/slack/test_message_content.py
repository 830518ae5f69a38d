"""Reading what a message says: every recorded shape, and Slack's markup made readable."""

from __future__ import annotations

import pytest

from bot.slack.message_content import read_content
from tests.shapes import READINGS, shape

NAMES = {"U0RIVERA01": "Rivera", "W0GRID0SAM": "Sam", "C0FIX0DBOPS": "db-ops"}


async def name_of(ref: str) -> str:
    return NAMES.get(ref, ref)


@pytest.mark.parametrize("name", sorted(READINGS))
async def test_each_shape_reads_as_slack_shows_it(name: str) -> None:
    content = await read_content(shape(name), name_of)
    reading = READINGS[name]
    assert (content.text, content.headline, content.links) == (
        reading.text,
        reading.headline,
        reading.links,
    )


async def test_urls_are_found_in_slack_markup_once_each() -> None:
    message = {
        "text": "see <https://a.example.com/x|the graph> and https://b.example.com/y "
        "and <https://a.example.com/x>."
    }
    content = await read_content(message, name_of)
    assert content.links == ("https://a.example.com/x", "https://b.example.com/y")
    assert content.text == (
        "see the graph (https://a.example.com/x) and https://b.example.com/y "
        "and https://a.example.com/x."
    )


async def test_markup_is_made_readable() -> None:
    message = {
        "text": "<!here> <@U0RIVERA01> in <#C0FIX0DBOPS|db-ops> with <!subteam^S1|@dba>: "
        "a &lt;b&gt; &amp; c <@W0GRID0SAM|sam>"
    }
    content = await read_content(message, name_of)
    assert content.text == "@here @Rivera in #db-ops with @dba: a <b> & c @sam"


async def test_the_placeholder_is_never_the_content() -> None:
    message = {"text": "This content can't be displayed.", "blocks": [{"type": "divider"}]}
    content = await read_content(message, name_of)
    assert (content.text, content.headline, content.links) == ("", "", ())


async def test_link_previews_are_not_the_messages_words() -> None:
    message = {
        "text": "postmortem: <https://wiki.example.com/pm/42>",
        "attachments": [
            {
                "from_url": "https://wiki.example.com/pm/42",
                "original_url": "https://wiki.example.com/pm/42",
                "title": "Postmortem 42 - Wiki",
                "text": "A long page preview",
                "service_name": "Wiki",
            }
        ],
    }
    content = await read_content(message, name_of)
    assert content.text == "postmortem: https://wiki.example.com/pm/42"
    assert content.links == ("https://wiki.example.com/pm/42",)
