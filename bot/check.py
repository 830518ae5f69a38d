"""``incident-bot check``: one OK/FAIL line per thing the bot depends on, with the fix."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import create_async_engine

from bot.aws.gateway import AwsGateway
from bot.aws.gateway import log as gateway_log
from bot.config import HOW_TO_FIX, ConfigError, Settings
from bot.errors import DomainError
from bot.logs import silenced
from bot.slack.connection import check_app_token
from bot.slack.messages import group_members
from bot.slack.outage import OutageNamingClient, SlackUnavailable
from bot.slack.outage import log as outage_log
from bot.store.database import MIGRATIONS, Database
from bot.store.urls import async_url


@dataclass(frozen=True)
class Outcome:
    item: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'OK  ' if self.ok else 'FAIL'} {self.item}: {self.detail}"


def _bot_client(settings: Settings) -> AsyncWebClient:
    """A client that reports a dropped connection at once (no retry, no log line of its own)."""
    return OutageNamingClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, retry_handlers=[]
    )


async def _required(settings: Settings) -> str:
    settings.require_slack()
    second = "SLACK_APP_TOKEN" if settings.socket_mode else "SLACK_SIGNING_SECRET"
    return f"settings read; SLACK_BOT_TOKEN and {second} set"


async def _slack(settings: Settings) -> str:
    try:
        with silenced(outage_log.name):  # said below
            answer = await _bot_client(settings).auth_test()
    except SlackUnavailable as exc:
        raise DomainError(
            f"cannot reach {settings.slack_api_url} ({exc.what}; an outage of Slack's shows at "
            "https://slack-status.com): check the network, a proxy (HTTPS_PROXY) or SLACK_API_URL"
        ) from None
    except SlackApiError as exc:
        raise DomainError(
            f"auth.test answered {exc.response.get('error')}: SLACK_BOT_TOKEN was refused; "
            f"{HOW_TO_FIX['SLACK_BOT_TOKEN']}"
        ) from None
    return f"bot {answer['user']} in team {answer['team']}"


async def _user_group(settings: Settings, variable: str, role: str, group_id: str) -> str:
    try:
        members = await group_members(_bot_client(settings), group_id)
    except SlackApiError as exc:
        raise DomainError(
            f"usergroups.users.list answered {exc.response.get('error')}: check "
            f"{variable} and that the app has the usergroups:read scope"
        ) from None
    return f"{group_id} has {len(members)} member(s) who {role}"


async def _socket_mode(api_url: str, app_token: str) -> str:
    await check_app_token(AsyncWebClient(base_url=api_url), app_token)
    return "app-level token accepted: Socket Mode can connect"


async def _response_plans(gateway: AwsGateway) -> str:
    plans = await gateway.pages("ssm-incidents", "list_response_plans", "responsePlanSummaries")
    names = ", ".join(plan["name"] for plan in plans[:5]) or "none yet"
    return f"{len(plans)} response plan(s) in {gateway.region}: {names}"


async def _contacts(gateway: AwsGateway) -> str:
    contacts = await gateway.pages("ssm-contacts", "list_contacts", "Contacts")
    return f"{len(contacts)} contact(s) in {gateway.region}"


UP_TO_DATE = "reachable, schema up to date"


def _schema_state(connection: Connection) -> str:
    current = MigrationContext.configure(connection).get_current_heads()
    scripts = ScriptDirectory(str(MIGRATIONS))
    applied = {script.revision for script in scripts.iterate_revisions(current, "base")}
    if current and set(scripts.get_heads()) <= applied:  # a head another depends on is implied
        return UP_TO_DATE
    if not current:
        return "reachable, no schema yet: `incident-bot run` creates it"
    return "reachable, schema behind: `incident-bot run` migrates it at start"


def _sqlite_file(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    if url.query.get("uri"):  # SQLite's URI filename: file:PATH with its options in the query
        return Path(url.database.removeprefix("file:"))
    return Path(url.database)


async def _database(settings: Settings) -> str:
    """Reach the database and read its schema revision, creating and changing nothing."""
    url = async_url(settings.database_url)
    if (path := _sqlite_file(url)) is not None:
        if not path.exists():
            folder = path.parent
            if not os.access(folder, os.W_OK):
                raise DomainError(
                    f"{path} does not exist and {folder} is not writable: give the bot's "
                    "user write access there, or point DATABASE_URL elsewhere"
                )
            return f"{path} does not exist yet: `incident-bot run` creates it"
        url = url.set(database=f"file:{path}?mode=ro", query={"uri": "true"})
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            state = await connection.run_sync(_schema_state)
    finally:
        await engine.dispose()
    if state != UP_TO_DATE:
        return state
    database = Database(settings.database_url)
    try:
        await database.probe_write()  # a write that changes nothing: full or read-only shows
    finally:
        await database.close()
    return "reachable and writable, schema up to date"


async def preflight(settings: Settings) -> None:
    """Before serving: Slack must accept the bot token and AWS must answer, or one line says
    why (a ConfigError, which the command prints)."""
    for item, probe in (
        ("Slack", lambda: _slack(settings)),
        ("AWS", lambda: _aws(settings)),
    ):
        with silenced(gateway_log.name):  # the line below says it once
            outcome = await _attempt(item, probe)
        if not outcome.ok:
            raise ConfigError(f"{item} at start: {outcome.detail}")


async def _aws(settings: Settings) -> str:
    gateway = AwsGateway(settings.aws_region, settings.aws_max_concurrency)
    try:
        return await _response_plans(gateway)
    finally:
        gateway.close()


async def _attempt(item: str, probe: Callable[[], Awaitable[str]]) -> Outcome:
    try:
        return Outcome(item, True, await probe())
    except (DomainError, ConfigError) as exc:
        return Outcome(item, False, str(exc))
    except Exception as exc:  # a probe must report, never crash
        return Outcome(item, False, f"{type(exc).__name__}: {exc}")


async def run_checks(settings: Settings) -> list[Outcome]:
    configuration = await _attempt("configuration", lambda: _required(settings))
    outcomes = [configuration]
    if configuration.ok:
        outcomes.append(await _attempt("Slack", lambda: _slack(settings)))
    if configuration.ok and (token := settings.slack_app_token):
        probe = partial(_socket_mode, settings.slack_api_url, token)
        outcomes.append(await _attempt("Slack Socket Mode", probe))
    for name, variable, role, group in (
        ("responder", "RESPONDER_GROUP", "may acknowledge any page", settings.responder_group),
        ("admin", "ADMIN_GROUP", "may change any incident and link people", settings.admin_group),
        ("member", "MEMBER_GROUP", "may declare and read incidents", settings.member_group),
    ):
        if configuration.ok and group:
            probe = partial(_user_group, settings, variable, role, group)
            outcomes.append(await _attempt(f"Slack {name} group", probe))
    try:
        gateway = AwsGateway(settings.aws_region, settings.aws_max_concurrency)
    except ConfigError as exc:
        outcomes += [Outcome(name, False, str(exc)) for name in ("AWS incidents", "AWS contacts")]
    else:
        outcomes.append(await _attempt("AWS incidents", lambda: _response_plans(gateway)))
        outcomes.append(await _attempt("AWS contacts", lambda: _contacts(gateway)))
        gateway.close()
    outcomes.append(await _attempt("database", lambda: _database(settings)))
    return outcomes
