"""The Home tab shows the person's own next shifts."""

from __future__ import annotations

from tests.oncall.conftest import daily_schedule
from tests.support import Stack, eventually


def home_text(stack: Stack, user: str) -> str:
    home = stack.slack.home(user)
    return str(home["blocks"]) if home else ""


async def test_the_home_tab_shows_your_next_shifts(stack: Stack, team: dict[str, str]) -> None:
    daily_schedule(stack, "payments", ["alice", "bob"], hand_off_in=3600)
    await stack.sender.home_opened(team["bob"])
    await eventually(lambda: "Your next shifts" in home_text(stack, team["bob"]))
    shown = home_text(stack, team["bob"])
    # the five soonest: payments every other day, then bob's week on primary (alice's now)
    assert shown.count("*Payments* (`payments`): <!date^") == 4
    assert shown.count("*Primary on call* (`primary-oncall`): <!date^") == 1
    assert shown.index("Payments") < shown.index("Primary on call")

    await stack.sender.home_opened(team["alice"])
    await eventually(lambda: "Your next shifts" in home_text(stack, team["alice"]))
    shown = home_text(stack, team["alice"])
    assert "*Primary on call* (`primary-oncall`): <!date^" in shown
    assert "*Payments* (`payments`): <!date^" in shown

    await stack.sender.home_opened(team["dana"])
    await eventually(lambda: "Your next shifts" in home_text(stack, team["dana"]))
    assert "No shift of yours in the next 30 days" in home_text(stack, team["dana"])
