"""The playground, driven by its own scripted input: declare, page, press Acknowledge."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bot.local import local_stack
from bot.playground import SECRET, Playground

ROOT = Path(__file__).resolve().parent.parent
DANA_SAID = r"^#(\d+) #inc-\S+  @dana:\n    Payments provider"
BOB_PAGE = r"^#(\d+) DM @bob  incident-bot:\n(?:    .*\n)*?    buttons: (.*)$"
BOB_ACKNOWLEDGED = r"DM @bob  incident-bot \(updated\):\n(?:    .*\n)*?.*Acknowledged by @bob"


def said_number(screen: list[str]) -> str:
    """The number the playground gave Dana's message."""
    return re.findall(DANA_SAID, "\n".join(screen), re.M)[-1]


def acknowledge_button(screen: list[str]) -> str:
    """``:press N B`` for the Acknowledge button of the newest page in Bob's DM, as shown."""
    number, buttons = re.findall(BOB_PAGE, "\n".join(screen), re.M)[-1]
    [button] = re.findall(r"(\d+)\) Acknowledge", buttons)
    return f":press {number} {button}"


async def test_declare_page_and_acknowledge_by_hand() -> None:
    screen: list[str] = []
    script: list[str | Callable[[list[str]], str]] = [
        "/incident declare Checkout down",
        "",  # title: keep
        "2",  # impact: 2 High
        "",  # response plan: keep the default
        "Card payments fail",  # summary
        "",  # create a channel: keep
        "Payments provider confirms an outage",
        lambda screen: f":react {said_number(screen)} pushpin",
        "/incident page bob",
        ":as bob",
        acknowledge_button,
        ":advance 5m",
        ":quit",
    ]

    async def read(prompt: str) -> str | None:
        screen.append(prompt)
        step = script.pop(0) if script else None
        return step(screen) if callable(step) else step

    async with local_stack(SECRET, default_response_plan="critical-service") as stack:
        await Playground(stack, read, screen.append).session("dana")
        contacts = stack.aws.client("ssm-contacts")
        [engagement] = contacts.list_engagements()["Engagements"]
        [page] = contacts.list_pages_by_engagement(EngagementId=engagement["EngagementArn"])[
            "Pages"
        ]
        receipts = contacts.list_page_receipts(PageId=page["PageArn"])["Receipts"]
        incidents = stack.aws.client("ssm-incidents")
        [record] = incidents.list_incident_records()["incidentRecordSummaries"]
        events = incidents.list_timeline_events(incidentRecordArn=record["arn"])["eventSummaries"]
        notes = [
            incidents.get_timeline_event(incidentRecordArn=record["arn"], eventId=e["eventId"])
            for e in events
        ]

    text = "\n".join(screen)
    assert record["title"] == "Checkout down" and record["impact"] == 2
    assert "(you are now in #inc-" in text
    assert "Card payments fail" in text
    assert "READ" in [receipt["ReceiptType"] for receipt in receipts]
    assert any("Payments provider confirms" in n["event"]["eventData"] for n in notes)
    assert re.search(
        r"DM @bob  incident-bot \(updated\):\n(    .*\n)*?.*Acknowledged by @bob", text
    )
    assert "Traceback" not in text


def test_the_command_reads_a_script_from_stdin(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "playground", "--user", "carol"],
        input="/incident help\n:as erin\n:advance 90s\n:nonsense\n",
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "@carol in #ops> /incident help" in result.stdout
    assert "/incident declare" in result.stdout  # the help the bot answered with
    assert "you are @erin" in result.stdout
    assert "the emulator's clock is now" in result.stdout
    assert "unknown command :nonsense; :help lists them" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


async def test_every_typed_number_is_bounded_and_a_wrong_one_is_said() -> None:
    """``²`` or ``①`` where a number goes, or a clock moved by millions of days, is answered
    with what to type, and the playground (and the emulator's clock) goes on working."""
    screen: list[str] = []
    script = [
        ":advance 999999999d",
        ":advance 1.5h",
        ":press ²",
        "/incident plan oncall-escalation",  # message #1, with one button (Edit)
        ":press 1 ①",
        ":press 1 2",
        ":react \u0661 pushpin",  # an Arabic-Indic one
        ":advance 2d",
        "/incident list",
        ":quit",
    ]

    async def read(prompt: str) -> str | None:
        screen.append(prompt)
        return script.pop(0) if script else None

    async with local_stack(SECRET, default_response_plan="critical-service") as stack:
        await Playground(stack, read, screen.append).session("dana")
        ahead = stack.aws.clock.offset_seconds

    said = [line.strip() for line in screen if line.startswith("  ")]
    assert said[1:8] == [
        "the clock did not move: Give a whole number of days from 0 to 366, not 999999999.",
        "the clock did not move: Give a whole number of hours from 0 to 8784.",
        "no message is shown yet",
        "no such button: Give a whole number from 1 to 1.",
        "no such button: Give a whole number from 1 to 1, not 2.",
        "no such message: Give a whole number from 1 to 1. (the number shown before it)",
        said[7],
    ]
    assert said[7].startswith("the emulator's clock is now")
    assert ahead == 2 * 86400  # only ``:advance 2d`` moved it, and AWS still answers after it
    assert "No open incidents." in screen[-2]
    assert not [line for line in screen if "that did not work" in line or "Traceback" in line]
