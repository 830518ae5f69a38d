"""What the declarer is told: what exists (the incident, its console link, its channel) and
which steps are missing and why; and the announcement of a new incident."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.blocks.card import trigger_text
from bot.mrkdwn import escape
from bot.vocabulary import StepState

if TYPE_CHECKING:
    from bot.incidents.outcome import Outcome
    from bot.incidents.record import Announcement

STEP_NAMES = {
    "start": "the incident",
    "summary": "the summary",
    "channel": "the incident channel",
    "invite": "your invitation to the channel",
    "card": "the incident card in the channel",
    "pin": "the card's pin",
    "related": "the channel as a related item",
    "note": "the timeline note",
    "announce": "the announcement",
}


def _step_name(outcome: Outcome, step: str) -> str:
    if step == "announce" and outcome.announce_channel:
        return f"the announcement in <#{outcome.announce_channel}>"
    return STEP_NAMES[step]


def declared_text(outcome: Outcome, later: bool = False) -> str:
    """``Declared *title* in #channel (id …)``, then each missing step with its reason."""
    where = f" in <#{outcome.channel_id}>" if outcome.channel_id else ""
    head = (
        f"Declared *{escape(outcome.title)}*{where} "
        f"(id `{outcome.incident_id}`, <{outcome.console}|open in AWS Incident Manager>)."
    )
    missing = [  # a step skipped for want of the channel is told by the channel's failure
        (step, state, reason)
        for step, (state, reason) in outcome.steps.items()
        if state in (StepState.PENDING, StepState.FAILED)
    ]
    lines = []
    if later:
        done = ", ".join(_step_name(outcome, step) for step in outcome.done_now)
        lines.append(f"Finished after an interruption: {done}.")
    for step, state, reason in missing:
        name = _step_name(outcome, step)
        if state == StepState.PENDING:
            why = f" ({reason})" if reason else ""  # a domain error's words: mrkdwn already
            lines.append(f"• {name} is not done yet{why}; the bot will retry.")
        else:
            lines.append(f"• {name} failed: {reason or ''}")
    if not missing:
        return f":rotating_light: {head}" + (f"\n{lines[0]}" if lines else "")
    return "\n".join([f":warning: {head} Not everything was done:", *lines])


def announcement_text(announcement: Announcement) -> str:
    """``:rotating_light: <@U…> declared *title* (impact 2) — join #channel``; for an incident
    started outside Slack, what started it instead of who."""
    join = f" — join <#{announcement.channel_id}>" if announcement.channel_id else ""
    who, started = f"<@{announcement.declarer}> declared", ""
    if (incident := announcement.started_outside) is not None:
        who = "New incident" if incident.is_open else "Incident (resolved already)"
        trigger = incident.trigger
        started = f", {trigger_text(trigger) if trigger else 'started in AWS'}"
    title, impact = escape(announcement.title), announcement.impact
    return f":rotating_light: {who} *{title}* (impact {impact}{started}){join}"
