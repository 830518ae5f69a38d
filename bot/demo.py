"""``incident-bot demo``: the whole product on this machine, with no Slack or AWS account.

The local Incident Manager emulator, the local stand-in for Slack and the bot itself (the
same composition root and HTTP endpoint as production) run together while a scripted
responder declares an incident, links a dashboard, puts a chat message on the timeline,
raises the impact, pages the on-call, has Bob cover a shift and resolves it; then an admin
shortens the escalation plan's first stage, and a CloudWatch alarm starts an incident in
Incident Manager, which appears in Slack.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from bot.blocks.ids import Callback, PlanAction
from bot.local import local_stack
from bot.services import Services
from emulator.slack import FakeSlack, SlackSender
from emulator.slack.text import render_call
from emulator.testing import RunningEmulator

SECRET = "demo-signing-secret"
DEMO_STAGE_SECONDS = 2.0  # 5 plan minutes
ADMINS = "SDEMOADMINS"
ONCALL_CHANNEL = "CDEMOONCALL"
PLAN = "arn:aws:ssm-contacts:us-east-1:111122223333:contact/oncall-escalation"
DASHBOARD = "https://console.aws.amazon.com/cloudwatch/home#dashboards:name=checkout"
ALARM = "arn:aws:cloudwatch:us-east-1:111122223333:alarm:checkout-latency-p99"


class Script:
    """Plays the responder's part and prints what Slack shows after each step."""

    def __init__(self, fake: FakeSlack, sender: SlackSender, out: Callable[[str], Any]) -> None:
        self.fake, self.sender, self.out = fake, sender, out
        self.shown = 0

    def show_slack(self) -> None:
        for call in self.fake.calls[self.shown :]:
            line = render_call(self.fake, call)
            if line:
                self.out(line)
        self.shown = len(self.fake.calls)

    async def step(
        self, what: str, action: Callable[[], Awaitable[Any]], until: Callable[[], Any]
    ) -> Any:
        self.out(f"\n▶ {what}")
        await action()
        deadline = time.monotonic() + 15
        while not (result := until()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the demo step '{what}' did not complete")
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # let the card refresh that follows each change land
        self.show_slack()
        return result


async def play(
    services: Services,
    fake: FakeSlack,
    sender: SlackSender,
    aws: RunningEmulator,
    out: Callable[[str], Any],
) -> None:
    script = Script(fake, sender, out)
    dana = fake.add_user("dana", email="dana@example.com")
    fake.usergroups[ADMINS] = [dana]
    fake.add_channel("oncall", members=["UBOT0INCIDENT"], channel_id=ONCALL_CHANNEL)
    ops = fake.add_channel("ops", members=[dana])
    incidents = aws.client("ssm-incidents")

    view = await script.step(
        "Dana types `/incident declare Checkout errors` in #ops",
        lambda: sender.slash_command("/incident", "declare Checkout errors", dana, ops),
        lambda: fake.modals(Callback.DECLARE_MODAL),
    )
    view = view[-1]
    plan = next(b for b in view["blocks"] if b["block_id"] == "plan_block")
    values: dict[str, dict[str, dict[str, Any]]] = {
        "title_block": {"title": {"type": "plain_text_input", "value": "Checkout errors"}},
        "impact_block": {"impact": {"type": "static_select", "selected_option": {"value": "2"}}},
        "plan_block": {
            "response_plan": {
                "type": "static_select",
                "selected_option": plan["element"]["initial_option"],
            }
        },
        "summary_block": {
            "summary": {
                "type": "plain_text_input",
                "value": "Card payments fail for about 30% of users.",
            }
        },
        "channel_block": {
            "create_channel": {
                "type": "checkboxes",
                "selected_options": [
                    {"value": "yes", "text": {"type": "plain_text", "text": "Create"}}
                ],
            }
        },
    }

    await script.step(
        "She fills in the form and presses Declare",
        lambda: sender.view_submission(dana, view["id"], values),
        lambda: any(c.method == "pins.add" for c in fake.calls) and fake.ephemerals_for(dana),
    )
    channel = next(c for c in fake.channels.values() if c.name.startswith("inc-"))
    arn = incidents.list_incident_records()["incidentRecordSummaries"][0]["arn"]
    await script.step(
        "She links the CloudWatch dashboard",
        lambda: sender.slash_command(
            "/incident", f"link {DASHBOARD} Checkout dashboard", dana, channel.id
        ),
        lambda: len(incidents.list_related_items(incidentRecordArn=arn)["relatedItems"]) == 2,
    )
    said = fake.user_posts(channel.id, dana, "Payments provider confirms a partial outage.")
    await script.step(
        "She puts a chat message on the timeline (message shortcut)",
        lambda: sender.message_shortcut("add_to_timeline", dana, channel.id, said),
        lambda: len(fake.ephemerals_for(dana)) >= 2,
    )
    await script.step(
        "Impact goes up: `/incident impact 1`",
        lambda: sender.slash_command("/incident", "impact 1", dana, channel.id),
        lambda: incidents.get_incident_record(arn=arn)["incidentRecord"]["impact"] == 1,
    )
    bob = await page_the_on_call(script, channel.id, dana)
    await script.step(
        "Dana (an admin) puts Bob on call for Alice tomorrow: "
        "`/incident cover primary-oncall @bob tomorrow 09:00 17:00`",
        lambda: sender.slash_command(
            "/incident", f"cover primary-oncall <@{bob}> tomorrow 09:00 17:00", dana, channel.id
        ),
        lambda: any("covers" in c.args.get("text", "") for c in fake.calls_to("response_url")),
    )
    await script.step(
        "Fixed: `/incident resolve Provider recovered`",
        lambda: sender.slash_command("/incident", "resolve Provider recovered", dana, channel.id),
        lambda: incidents.get_incident_record(arn=arn)["incidentRecord"]["status"] == "RESOLVED",
    )
    await edit_the_plan(script, aws, dana, ops)
    await an_alarm_fires(script, incidents)
    show_record(incidents, arn, out)


async def edit_the_plan(script: Script, aws: RunningEmulator, dana: str, ops: str) -> None:
    """Dana, an admin, makes the plan's first stage 2 minutes long; #oncall is told."""
    fake, sender = script.fake, script.sender
    contacts = aws.client("ssm-contacts")
    [view] = await script.step(
        "Afterwards Dana, an admin, edits the plan: `/incident plan oncall-escalation edit`",
        lambda: sender.slash_command("/incident", "plan oncall-escalation edit", dana, ops),
        lambda: fake.modals(PlanAction.MODAL),
    )
    values = {
        f"minutes:0:{stage}": {PlanAction.MINUTES: {"type": "plain_text_input", "value": value}}
        for stage, value in enumerate(("2", "10"))
    }
    await script.step(
        "She sets stage 1 to 2 minutes and saves",
        lambda: sender.view_submission(dana, view["id"], values),
        lambda: (
            fake.messages(ONCALL_CHANNEL)
            and contacts.get_contact(ContactId=PLAN)["Plan"]["Stages"][0]["DurationInMinutes"] == 2
        ),
    )


async def an_alarm_fires(script: Script, incidents: Any) -> None:
    """An incident started in Incident Manager by an alarm gets its channel at the next sync."""

    async def fire() -> None:
        incidents.start_incident(
            responsePlanArn=incidents.list_response_plans()["responsePlanSummaries"][0]["arn"],
            title="Checkout latency p99 above 2 s",
            impact=3,
            triggerDetails={
                "source": "aws.cloudwatch",
                "triggerArn": ALARM,
                "timestamp": datetime.now(UTC),
            },
        )

    await script.step(
        "A CloudWatch alarm starts an incident in Incident Manager, outside Slack",
        fire,
        lambda: (
            sum(c.name.startswith("inc-") and bool(c.pins) for c in script.fake.channels.values())
            == 2
        ),
    )


def page_dms(fake: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [m for m in fake.dms(user) if m.get("blocks") and "paged" in m.get("text", "")]


async def page_the_on_call(script: Script, channel_id: str, dana: str) -> str:
    """Page the escalation plan; nobody answers stage 1; Bob acknowledges in stage 2 (his
    Slack user is returned)."""
    fake, sender = script.fake, script.sender
    alice, bob = (fake.add_user(name, email=f"{name}@example.com") for name in ("alice", "bob"))
    await script.step(
        "Dana pages the on-call escalation plan: `/incident page oncall-escalation`",
        lambda: sender.slash_command("/incident", "page oncall-escalation", dana, channel_id),
        lambda: page_dms(fake, alice),
    )

    async def wait() -> None:
        script.out(f"  (stage 1 lasts {DEMO_STAGE_SECONDS:g} s in the demo: 5 plan minutes)")

    [bob_page] = await script.step(
        "Alice does not answer: stage 1 times out and stage 2 pages Bob and Carol",
        wait,
        lambda: page_dms(fake, bob),
    )
    await script.step(
        "Bob opens incident-bot's Home tab: the page waits there too",
        lambda: sender.home_opened(bob),
        lambda: fake.home(bob),
    )
    await script.step(
        "Bob presses Acknowledge",
        lambda: sender.press(bob, bob_page, "page_acknowledge"),
        lambda: "Acknowledged by" in str(fake.message(fake.im(bob).id, bob_page["ts"])),
    )
    return bob


def show_record(incidents: Any, arn: str, out: Callable[[str], Any]) -> None:
    record = incidents.get_incident_record(arn=arn)["incidentRecord"]
    out("\n=== What AWS Incident Manager now holds ===")
    for key in ("arn", "title", "status", "impact", "summary", "creationTime", "resolvedTime"):
        out(f"{key:>13}: {record.get(key)}")
    out("related items:")
    for item in incidents.list_related_items(incidentRecordArn=arn)["relatedItems"]:
        value = next(iter(item["identifier"]["value"].values()))
        out(f"  - {item['identifier']['type']}: {value} {item.get('title', '')}")
    out("timeline (oldest first):")
    events = incidents.list_timeline_events(incidentRecordArn=arn)["eventSummaries"]
    for summary in events:
        event = incidents.get_timeline_event(incidentRecordArn=arn, eventId=summary["eventId"])[
            "event"
        ]
        data = json.loads(event["eventData"])
        text = data if isinstance(data, str) else json.dumps(data)
        out(f"  {event['eventTime']:%H:%M:%S} {event['eventType']}: {text.splitlines()[0]}")


async def run_demo(out: Callable[[str], Any] = print) -> None:
    async with local_stack(
        SECRET,
        default_response_plan="critical-service",
        time_scale=DEMO_STAGE_SECONDS / 5,
        mirror_interval_seconds=3600,
        admin_group=ADMINS,
        oncall_channel=ONCALL_CHANNEL,
        sync_interval_seconds=0.5,
    ) as local:
        out(
            f"Emulator on {local.aws.url}, fake Slack on {local.slack.url}, "
            f"bot on {local.bot.events_url}"
        )
        await play(local.bot.services, local.slack.fake, local.sender, local.aws, out)
