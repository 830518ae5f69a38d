"""The declaration's Slack ports: Slack's answers reach the domain as ``SlackRefused`` with
Slack's code and whether it is for good, an outage named as such; nothing of slack_sdk leaks."""

from __future__ import annotations

from typing import Any

import pytest
from slack_sdk.errors import SlackApiError

from bot.errors import InvalidInput, SlackRefused
from bot.presenters.declaration import SlackPosts, SlackRooms
from bot.slack.outage import SlackUnavailable


class RefusingSlack:
    """A Web API client whose every call is answered with ``error``."""

    def __init__(self, error: str | Exception) -> None:
        self.error = error
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, method: str) -> Any:
        async def call(**args: Any) -> Any:
            self.calls.append((method, args))
            if isinstance(self.error, Exception):
                raise self.error
            raise SlackApiError(self.error, {"ok": False, "error": self.error})

        return call


@pytest.mark.parametrize(
    ("error", "for_good"),
    [("already_in_channel", True), ("missing_scope", True), ("ratelimited", False)],
)
async def test_a_refusal_keeps_slacks_code_and_says_whether_it_is_for_good(
    error: str, for_good: bool
) -> None:
    with pytest.raises(SlackRefused) as refused:
        await SlackRooms(RefusingSlack(error)).invite("CINC", "UDANA")
    assert (refused.value.code, refused.value.for_good) == (error, for_good)
    assert refused.value.message == f"Slack said {error}"


async def test_an_outage_is_for_now_and_said_as_slacks() -> None:
    down = SlackUnavailable("https://slack.com/api/pins.add", "no answer in time")
    with pytest.raises(SlackRefused) as refused:
        await SlackPosts(RefusingSlack(down)).pin("CINC", "1.000100")
    assert not refused.value.for_good
    assert refused.value.message == (
        "Slack is not answering: no answer in time, an outage on Slack's side"
    )


async def test_archiving_says_already_or_what_to_do() -> None:
    assert await SlackRooms(RefusingSlack("already_archived")).archive("CINC") is False
    with pytest.raises(InvalidInput) as refused:
        await SlackRooms(RefusingSlack("restricted_action")).archive("CINC")
    assert refused.value.message == (
        "Slack refused to archive the channel (restricted_action): archive it from the "
        "channel's settings."
    )
