"""What a run of a declaration leaves, as its declarer is told it."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.vocabulary import StepState


@dataclass
class Outcome:
    """What a run of a declaration leaves: the incident, its channel, each step's state and
    reason, which steps this run did, and whether anything is still to be tried."""

    title: str
    incident_id: str
    console: str
    channel_id: str | None
    announce_channel: str | None
    steps: dict[str, tuple[str, str | None]]
    done_now: list[str] = field(default_factory=list)

    @property
    def settled(self) -> bool:
        return all(state != StepState.PENDING for state, _ in self.steps.values())
