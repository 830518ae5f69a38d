"""Submissions of the declare and update modals."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.blocks.declared import declared_text
from bot.blocks.ids import Action, Block, Callback
from bot.blocks.modals import submitted, submitted_summary
from bot.errors import DomainError
from bot.incidents.declaration_record import Declaration
from bot.incidents.record import check_summary, check_title, parse_impact
from bot.tokens import client_token
from handlers.audit import audit
from handlers.forms import chosen_plan
from handlers.views.registry import Form, Submission
from handlers.who import OnIncident, changers, members


@dataclass(frozen=True)
class Fields:
    """The title, impact and summary inputs, checked."""

    title: str
    impact: int
    summary: str


def _fields(view: dict) -> tuple[Fields, dict[str, str]]:
    errors: dict[str, str] = {}
    checked: dict[str, Any] = {}
    summary, summary_block = submitted_summary(view)
    inputs = [
        ("title", Block.TITLE, submitted(view, Block.TITLE, Action.TITLE), check_title),
        ("impact", Block.IMPACT, submitted(view, Block.IMPACT, Action.IMPACT), parse_impact),
        ("summary", summary_block, summary, check_summary),
    ]
    for name, block, value, check in inputs:
        try:
            checked[name] = check(value or "")
        except DomainError as error:
            errors[block] = error.message
    fields = Fields(checked.get("title", ""), checked.get("impact", 0), checked.get("summary", ""))
    return fields, errors


def declaration(submission: Submission) -> tuple[Declaration | None, dict[str, str]]:
    view = submission.view
    fields, errors = _fields(view)
    plan = submitted(view, Block.PLAN, Action.PLAN)  # one the form offered (Forms.read)
    if not plan:
        errors[Block.PLAN] = "Choose a response plan."
    if errors:
        return None, errors
    return Declaration(
        title=fields.title,
        impact=fields.impact,
        plan_arn=plan,
        summary=fields.summary,
        create_channel=bool(submitted(view, Block.CHANNEL, Action.CHANNEL)),
        declarer=submission.user,
        client_token=client_token("declare", view["id"]),
    ), {}


async def nothing_yet(_submission: Submission, _declaration: Declaration) -> None:
    """A declaration acts on no incident yet: who may declare is all there is to check."""


async def declared(submission: Submission, declaration: Declaration, _: None) -> str | None:
    services = submission.services
    plan_arn = await chosen_plan(services.incidents, declaration.plan_arn)  # from its option
    outcome = await services.declarations.declare(
        replace(declaration, plan_arn=plan_arn), submission.origin
    )
    return declared_text(outcome) if outcome else None  # None: another worker has it


def update_fields(submission: Submission) -> tuple[Fields | None, dict[str, str]]:
    fields, errors = _fields(submission.view)
    return (None, errors) if errors else (fields, {})


async def kept_incident(submission: Submission, _fields: Any) -> OnIncident:
    """The incident the form was opened for, as the bot kept it."""
    return OnIncident(str(submission.kept.data["arn"]))


async def incident_channel(submission: Submission) -> str | None:
    arn = submission.kept.data.get("arn")
    return await submission.services.incidents.channel_of(arn) if arn else None


async def updated(submission: Submission, fields: Fields, subject: OnIncident) -> None:
    services, arn = submission.services, subject.incident_arn
    await services.incidents.update(
        arn,
        client_token("update", submission.request),
        title=fields.title,
        impact=fields.impact,
        summary=fields.summary,
    )
    await audit(services, submission.user, arn, "Updated in the form", submission.request)


FORMS = [
    Form(
        Callback.DECLARE_MODAL,
        declaration,
        nothing_yet,
        members("declare incidents"),
        declared,
        failed="The incident was not declared: ",
    ),
    Form(
        Callback.UPDATE_MODAL,
        update_fields,
        kept_incident,
        changers("update"),
        updated,
        failed="Nothing was changed: ",
        answer_in=incident_channel,
    ),
]
