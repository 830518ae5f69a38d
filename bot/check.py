"""``incident-bot check``: one OK/FAIL line per thing the bot depends on, with the fix."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.aws.gateway import AwsGateway
from bot.config import ConfigError, Settings
from bot.errors import DomainError
from bot.slack.connection import check_app_token
from bot.slack.messages import group_members
from bot.store.database import Database


@dataclass(frozen=True)
class Outcome:
    item: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'OK  ' if self.ok else 'FAIL'} {self.item}: {self.detail}"


def _bot_client(settings: Settings) -> AsyncWebClient:
    return AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)


async def _slack(settings: Settings) -> str:
    settings.require_slack()
    try:
        answer = await _bot_client(settings).auth_test()
    except SlackApiError as exc:
        raise DomainError(
            f"auth.test answered {exc.response.get('error')}: check SLACK_BOT_TOKEN"
        ) from None
    except OSError as exc:
        raise DomainError(f"cannot reach {settings.slack_api_url} ({exc})") from None
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


async def _database(settings: Settings) -> str:
    database = Database(settings.database_url)
    try:
        await database.migrate()
        await database.ping()
        await database.probe_write()
    finally:
        await database.close()
    return "reachable and writable, schema up to date"


async def _attempt(item: str, probe: Callable[[], Awaitable[str]]) -> Outcome:
    try:
        return Outcome(item, True, await probe())
    except (DomainError, ConfigError) as exc:
        return Outcome(item, False, str(exc))
    except Exception as exc:  # a probe must report, never crash
        return Outcome(item, False, f"{type(exc).__name__}: {exc}")


async def run_checks(settings: Settings) -> list[Outcome]:
    outcomes = [Outcome("configuration", True, "settings read")]
    outcomes.append(await _attempt("Slack", lambda: _slack(settings)))
    if token := settings.slack_app_token:
        probe = partial(_socket_mode, settings.slack_api_url, token)
        outcomes.append(await _attempt("Slack Socket Mode", probe))
    for name, variable, role, group in (
        ("responder", "RESPONDER_GROUP", "may acknowledge any page", settings.responder_group),
        ("admin", "ADMIN_GROUP", "may change any incident and link people", settings.admin_group),
        ("member", "MEMBER_GROUP", "may declare and read incidents", settings.member_group),
    ):
        if group:
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
