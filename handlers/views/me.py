"""``/incident me``'s forms: the engagement plan (checked inline, saved with UpdateContact)
and the activation code (its format checked inline; the form says "checking" while AWS answers,
then the verdict). Both act on the submitter's own contact, found from who submits."""

from __future__ import annotations

from dataclasses import dataclass

from bot.blocks.ids import MeAction
from bot.blocks.personal import (
    channel_text,
    channels_chosen,
    code_modal,
    engagement_lines,
    plan_errors,
    read_plan,
)
from bot.contact_plans.personal import Mine, checked_engagement
from bot.contacts import ContactChannel, PlanStage
from bot.errors import InvalidInput
from handlers.views.registry import Form, Submission
from handlers.who import anyone

OWN = anyone("anyone, on their own contact: the one linked to whoever submits")


def stages(submission: Submission) -> tuple[tuple[PlanStage, ...] | None, dict[str, str]]:
    rows = read_plan(submission.kept.data, submission.values)
    found, problems = checked_engagement(rows, submission.services.personal_plans.limits)
    return (None, plan_errors(problems)) if problems else (found, {})


async def mine(submission: Submission, _: object) -> Mine:
    return await submission.services.personal_plans.mine(submission.user)


async def plan_saved(submission: Submission, stages: tuple[PlanStage, ...], mine: Mine) -> str:
    chosen = channels_chosen(stages, mine.channels)
    saved = await submission.services.personal_plans.save(submission.user, chosen)
    lines = engagement_lines(saved.mine)
    if saved.unread:
        head = (
            f":white_check_mark: Saved your paging plan — but I could not read it back from AWS "
            f"({saved.unread}), so this is what was sent; `/incident me` shows it as AWS holds it:"
        )
        return "\n".join([head, *lines])
    return "\n".join([":white_check_mark: Saved your paging plan:", *lines])


@dataclass(frozen=True)
class Code:
    text: str


def code(submission: Submission) -> tuple[Code | None, dict[str, str]]:
    typed = (submission.values.get(MeAction.CODE, {}).get(MeAction.CODE) or {}).get("value")
    try:
        return Code(submission.services.personal_plans.check_code(typed or "")), {}
    except InvalidInput as wrong:
        return None, {MeAction.CODE: wrong.message}


async def own_channel(submission: Submission, _: Code) -> ContactChannel:
    """The channel the form was opened for, when it is still one of the submitter's own."""
    arn = str(submission.kept.data.get("arn", ""))
    return await submission.services.personal_plans.own_channel(submission.user, arn)


async def activated(submission: Submission, code: Code, channel: ContactChannel) -> str | dict:
    """Activated (said in the form), or the form again with why AWS did not take the code."""
    try:
        await submission.services.personal_plans.activate(submission.user, channel, code.text)
    except InvalidInput as wrong:
        return code_modal(channel, submission.origin or "", wrong.message)
    return f":white_check_mark: {channel_text(channel)} is activated: AWS may page you there."


FORMS = [
    Form(MeAction.PLAN_MODAL, stages, mine, OWN, plan_saved, failed="Nothing was saved: "),
    Form(MeAction.CODE_MODAL, code, own_channel, OWN, activated, stays_open=True),
]
