"""The composition root: settings → gateway → store → Slack client → Bolt app → handlers."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_bolt.listener.async_listener_start_handler import AsyncListenerStartHandler
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
)

from bot.aws.contacts import ContactsPort
from bot.aws.gateway import AwsGateway
from bot.aws.incidents import IncidentsPort
from bot.background.jobs import Background, Timers
from bot.background.leadership import Leadership
from bot.background.schedule import Schedule
from bot.blocks.common import error_text
from bot.config import Settings
from bot.contact_plans.escalation import EscalationPlans
from bot.contact_plans.personal import PersonalPlans
from bot.email_directory import EmailDirectory
from bot.errors import DomainError
from bot.escalation.paging import assemble
from bot.escalation.wave import DueWaves
from bot.events import Bus
from bot.incidents.declaration import Declarations
from bot.incidents.declaration_record import DeclarationRecords
from bot.incidents.declaration_steps import DeclarationSteps
from bot.incidents.events import (
    IncidentReopened,
    IncidentResolved,
    IncidentUpdated,
    RelatedItemLinked,
    RelatedItemUnlinked,
)
from bot.incidents.export import Exports
from bot.incidents.seen import SeenIncidents
from bot.incidents.service import IncidentService
from bot.incidents.status_updates import StatusUpdates
from bot.incidents.sync import IncidentSync
from bot.link_codes import ActivationTries, LinkCodes
from bot.listener_work import ListenerWork
from bot.oncall.cover import Covers
from bot.oncall.cover_requests import CoverRequests
from bot.oncall.handoffs import Handoffs
from bot.oncall.shifts import OnCall
from bot.people import People
from bot.permissions import Permissions
from bot.presenters.declaration import SlackPosts, SlackRooms
from bot.presenters.directory import SlackDirectory
from bot.presenters.export import SlackDocuments
from bot.presenters.home import Home
from bot.presenters.incidents import IncidentsPresenter
from bot.presenters.oncall import OncallPresenter, SlackCoverRequests
from bot.presenters.paging import PagingPresenter
from bot.presenters.paging_ports import SlackPageMessages
from bot.presenters.paging_status import StatusMessages
from bot.presenters.plans import PlansPresenter
from bot.related_items import RelatedItems
from bot.services import Services
from bot.slack.forms import Forms
from bot.slack.notify import warn
from bot.slack.pacing import PacedWebClient
from bot.store.database import Database
from bot.timeline import Timeline
from handlers.edge import (
    EVENTS_PATH,
    Redelivered,
    claim_deliveries,
    refuse_malformed,
    requester,
)
from handlers.surfaces import register_all

log = logging.getLogger(__name__)

SLACK_REQUESTS = Counter("incident_bot_slack_requests_total", "Slack requests received")
UNEXPECTED_ERRORS = Counter("incident_bot_unexpected_errors_total", "Listener crashes")


async def start_services(settings: Settings) -> Services:
    """Build the outbound sides and bring the database schema up to date."""
    gateway = AwsGateway(settings.aws_region, settings.aws_max_concurrency)
    database = Database(settings.database_url)
    await database.migrate()
    slack = PacedWebClient(  # inside Slack's rate limits: per channel, per method tier
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        # a dropped connection is retried; a 429 is waited out by the client's pacer
        retry_handlers=[AsyncConnectionErrorRetryHandler()],
    )
    aws_incidents, contacts = IncidentsPort(gateway), ContactsPort(gateway)
    timeline = Timeline(aws_incidents, database)
    bus, directory = Bus(), SlackDirectory(slack)
    incidents = IncidentService(aws_incidents, timeline, database, settings, bus)
    codes, emails = LinkCodes(contacts, database), EmailDirectory(contacts)
    people = People(contacts, database, directory, settings.contact_map_file, codes, emails)
    schedule = Schedule()
    permissions = Permissions(settings, directory, database)
    PagingPresenter(slack, StatusMessages(slack, database, settings)).subscribe(bus)
    paging = assemble(
        contacts,
        database,
        incidents,
        people,
        settings,
        schedule,
        bus,
        SlackPageMessages(slack),
        directory,
    )
    bus.subscribe(IncidentResolved, lambda resolved: paging.closing.incident_resolved(resolved.arn))
    rooms = SlackRooms(slack)
    records = DeclarationRecords(database, settings.declaration_lease_seconds)
    steps = DeclarationSteps(incidents, records, rooms, SlackPosts(slack), directory, bus)
    declarations = Declarations(incidents, records, steps, bus)
    on_call = OnCall(contacts, people)
    covers = Covers(contacts, people, on_call, permissions, settings, bus)
    status_updates = StatusUpdates(incidents, directory, bus)
    exports = Exports(incidents, directory, SlackDocuments(slack), rooms, bus)
    bus.subscribe(IncidentResolved, status_updates.incident_resolved)
    bus.subscribe(IncidentReopened, status_updates.incident_reopened)
    seen = SeenIncidents(database)  # the bot's own writes, never echoed by the sync
    bus.subscribe(IncidentUpdated, seen.updated)
    bus.subscribe(RelatedItemLinked, seen.linked)
    bus.subscribe(RelatedItemUnlinked, seen.unlinked)
    IncidentsPresenter(slack).subscribe(bus)
    handoffs = Handoffs(on_call, database, settings, schedule, lambda: open_count(incidents), bus)
    cover_requests = CoverRequests(database, settings, covers, SlackCoverRequests(slack), bus)
    OncallPresenter(slack, settings).subscribe(bus)
    PlansPresenter(slack, settings).subscribe(bus)
    sync = IncidentSync(incidents, declarations, exports, seen, bus)
    due = paging.due_stages
    waves = DueWaves(due.claim_wave)  # stages due together, claimed together
    reads = DueWaves(due.read_ahead, sizes=None)  # and their answers read ahead together
    mirror = settings.mirror_interval_seconds
    background = Background(
        schedule,
        Leadership(database, schedule.lead, schedule.follow),
        Timers(waves.advance, paging.reminders.remind, reads.advance),
        sweep_seconds=min(30.0, mirror),
    )
    background.plans(paging.auditor.plan, status_updates.remind_due)
    background.sweeps(paging.auditor.audit, declarations.finish_pending, timeline.finish_claims)
    background.every("mirror", mirror, paging.mirror.run, at_once=False)
    background.every("sync", settings.sync_interval_seconds, sync.run)
    check = settings.handoff_check_seconds
    background.every("handoff-look-ahead", check, handoffs.look_ahead)
    background.every("handoff-plan", 1.0, handoffs.plan)
    background.every("cover-request-expiry", check, cover_requests.expire_due)
    return Services(
        settings,
        gateway,
        database,
        slack,
        incidents,
        RelatedItems(aws_incidents, bus),
        timeline,
        people,
        schedule,
        paging.escalations,
        paging.acknowledging,
        paging.closing,
        paging.auditor,
        Home(slack, incidents, paging.notices, permissions, on_call),
        declarations,
        permissions,
        EscalationPlans(contacts, people, permissions, settings, bus),
        PersonalPlans(contacts, people, ActivationTries(database)),
        sync,
        on_call=on_call,
        covers=covers,
        handoffs=handoffs,
        cover_requests=cover_requests,
        status_updates=status_updates,
        exports=exports,
        forms=Forms(slack, database),
        directory=directory,
        background=background,
        due_stages=due,
        mirror=paging.mirror,
    )


async def open_count(incidents: IncidentService) -> int:
    return len(await incidents.list("open"))


def build_bolt_app(services: Services) -> AsyncApp:
    settings = services.settings
    app = AsyncApp(
        client=services.slack,
        signing_secret=settings.slack_signing_secret or "",
        process_before_response=False,
    )

    @app.middleware
    async def count_requests(next: Any) -> None:
        SLACK_REQUESTS.inc()
        await next()

    app.middleware(claim_deliveries(services.database))

    @app.error
    async def unexpected_error(error: Exception, body: dict, respond: Any) -> None:
        """Log a crash with a ref and tell the person; never raises, whatever fails in here."""
        if isinstance(error, Redelivered):  # stopped at its ack: not a crash
            return
        if isinstance(error, DomainError):
            message = error.message
        else:
            reference = uuid.uuid4().hex[:8]
            UNEXPECTED_ERRORS.inc()
            log.error("listener failed (ref %s)", reference, exc_info=error)
            message = (
                f"Something went wrong inside incident-bot (ref {reference}). Some steps may "
                "have completed: check `/incident status` before trying again, and tell your "
                "bot admins the ref if it persists."
            )
        try:
            user, channel = requester(body)
            if body.get("response_url") and respond is not None:
                try:
                    await respond(text=error_text(message), response_type="ephemeral")
                    return
                except Exception as exc:  # an expired or unreachable response_url
                    log.warning("could not answer through response_url: %s", type(exc).__name__)
            if user:
                await warn(services.slack, user, channel, message)
        except Exception:  # telling failed too: the log line above is all there is
            log.exception("could not tell the user about a failed request")

    register_all(app, services)
    app.listener_runner.listener_start_handler = KeepListenerWork(services.listener_work)
    return app


class KeepListenerWork(AsyncListenerStartHandler):
    """Hands each listener's task to ``ListenerWork`` as Bolt starts it after the ack (this
    runs inside that task: Bolt awaits its start handler there, process_before_response off)."""

    def __init__(self, work: ListenerWork) -> None:
        self.work = work

    async def handle(self, request: AsyncBoltRequest, response: BoltResponse | None) -> None:
        task = asyncio.current_task()
        if task is not None:
            self.work.keep(task, answering(request.body))


def answering(body: dict[str, Any]) -> str:
    """What a request is, for a log line: its kind and the command, action or view it names
    (names the app gave, never text a person typed)."""
    actions = body.get("actions") or [{}]
    named = (
        body.get("command")
        or actions[0].get("action_id")
        or (body.get("view") or {}).get("callback_id")
        or body.get("callback_id")
        or (body.get("event") or {}).get("type")
    )
    kind = body.get("type") or ("slash_command" if body.get("command") else "request")
    return f"{kind} {named}" if named else str(kind)


def build_web_app(app: AsyncApp, services: Services) -> web.Application:
    """``POST /slack/events`` (Bolt, signature-verified), ``GET /healthz``, ``GET /metrics``.

    In Socket Mode Slack's requests come only over the WebSocket: there is no signing secret to
    verify HTTP requests with, so ``/slack/events`` is not served at all.
    """
    if services.settings.socket_mode:
        web_app = web.Application()
    else:
        web_app = app.web_app(path=EVENTS_PATH)
        web_app.middlewares.append(refuse_malformed)

    async def healthz(_: web.Request) -> web.Response:
        try:
            await services.database.ping()
        except Exception as exc:  # any database failure means unhealthy
            log.warning("health check failed: %s", exc)
            return web.json_response({"ok": False, "database": "unreachable"}, status=503)
        try:
            await services.database.probe_write()
        except Exception as exc:  # read-only file, full disk, standby: pages cannot be recorded
            log.warning("health check failed: the database cannot be written: %s", exc)
            return web.json_response({"ok": False, "database": "not writable"}, status=503)
        return web.json_response({"ok": True, "database": "ok"})

    async def metrics(_: web.Request) -> web.Response:
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    web_app.router.add_get("/healthz", healthz)
    web_app.router.add_get("/metrics", metrics)
    return web_app
