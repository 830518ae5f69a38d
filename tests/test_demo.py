"""``incident-bot demo`` plays the whole story and shows both sides."""

from __future__ import annotations

from bot.demo import run_demo


async def test_the_demo_declares_links_notes_and_resolves() -> None:
    lines: list[str] = []
    await run_demo(lines.append)
    shown = "\n".join(lines)
    assert "[new channel] #inc-" in shown
    assert "*Status*: :large_green_circle: Resolved" in shown
    assert "status: RESOLVED" in shown
    assert (
        "METRIC: https://console.aws.amazon.com/cloudwatch/home#dashboards:name=checkout" in shown
    )
    assert "Custom Event: Dana: Payments provider confirms a partial outage." in shown
    assert "Custom Event: Declared in Slack by Dana" in shown
    assert "Impact 1 Critical · paged by Dana · stage 2 of 2" in shown
    assert "Acknowledged: later stages cancelled." in shown
    assert "bob (essential) → @bob :white_check_mark: @bob" in shown  # names, not user ids
    assert "[modal filled in] Declare incident" in shown
    assert "[Home tab of @bob]\n    == :pager: Pages waiting for you ==" in shown
    assert "Declared *Checkout errors* in #inc-" in shown  # channels by name, as Slack shows
    assert "<@U" not in shown and "<!date" not in shown and "<#C" not in shown
    assert "Custom Event: Page to bob acknowledged in Slack by Bob" in shown
    assert "@dana changed the escalation plan `oncall-escalation`" in shown
    assert "*after:* 1) 2 min: alice*; 2) 10 min: bob*, carol" in shown
    assert ":zap: Incident started by CloudWatch alarm `checkout-latency-p99`" in shown
    assert ":handshake: @bob covers @alice on *Primary on call* (`primary-oncall`)" in shown
