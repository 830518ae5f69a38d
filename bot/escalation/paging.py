"""Paging's parts wired together once: the composition root (``bot.app``) hands in AWS, the
store, the incidents, the people, the timers, the bus and the two Slack ports, and takes out
what handlers and background jobs use. Every part gets its collaborators here, none builds
its own."""

from __future__ import annotations

from dataclasses import dataclass

from bot.aws.contacts import ContactsPort
from bot.background.schedule import Schedule
from bot.config import Settings
from bot.directory import Directory
from bot.escalation.acknowledging import Acknowledging
from bot.escalation.answers import AnswersInAws
from bot.escalation.auditor import Auditor
from bot.escalation.closing import Closing
from bot.escalation.delivery import Deliveries
from bot.escalation.due import DueStages
from bot.escalation.engaging import Engaging, FirstStages
from bot.escalation.escalations import Escalations
from bot.escalation.mirror import Mirror
from bot.escalation.notices import PageNotices
from bot.escalation.ports import PageMessages
from bot.escalation.reminders import Reminders
from bot.escalation.runner import EscalationRunner
from bot.escalation.timers import StageTimers
from bot.events import Bus
from bot.incidents.service import IncidentService
from bot.people import People
from bot.store.database import Database


@dataclass(frozen=True)
class Paging:
    """What the rest of the bot uses of paging."""

    escalations: Escalations  # start, page again, escalate now, list
    runner: EscalationRunner  # a stage started when its timer fires
    acknowledging: Acknowledging
    closing: Closing  # stop, and stop when the incident is resolved
    due_stages: DueStages  # the stage timers' due waves
    reminders: Reminders
    mirror: Mirror
    auditor: Auditor
    notices: PageNotices


def assemble(
    contacts: ContactsPort,
    database: Database,
    incidents: IncidentService,
    people: People,
    settings: Settings,
    schedule: Schedule,
    bus: Bus,
    messages: PageMessages,
    directory: Directory,
) -> Paging:
    notices = PageNotices(database)
    reminders = Reminders(notices, incidents, people, settings, schedule, bus)
    deliveries = Deliveries(notices, people, reminders, messages, bus)
    mirror = Mirror(contacts, notices, deliveries, incidents, directory, bus)
    timers, first_stages = StageTimers(schedule, settings), FirstStages()
    answers = AnswersInAws(contacts)
    closing = Closing(contacts, notices, incidents, schedule, bus)
    engaging = Engaging(
        contacts, notices, deliveries, mirror, incidents, directory, timers, first_stages, bus
    )
    runner = EscalationRunner(
        database, incidents, engaging, closing, answers, timers, first_stages, bus
    )
    return Paging(
        escalations=Escalations(database, incidents, people, runner, schedule, first_stages, bus),
        runner=runner,
        acknowledging=Acknowledging(
            contacts, notices, closing, incidents, directory, settings, bus
        ),
        closing=closing,
        due_stages=DueStages(database, incidents, runner, engaging, answers, timers, first_stages),
        reminders=reminders,
        mirror=mirror,
        auditor=Auditor(database, runner, engaging, timers, reminders),
        notices=notices,
    )
