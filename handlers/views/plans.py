"""The escalation plan form's Save: AWS's limits checked inline, then — on the plan as AWS
holds it now, for someone who may edit it — the whole plan sent."""

from __future__ import annotations

from dataclasses import dataclass

from bot.blocks.common import error_text
from bot.blocks.ids import PlanAction
from bot.blocks.plan_form import PlanForm, errors_for, read_form
from bot.contact_plans.escalation import PlanChangedMeanwhile, checked, stages_summary
from bot.contacts import Contact, PlanStage
from bot.mrkdwn import escape
from handlers.views.registry import Form, Submission
from handlers.who import plan_editors


@dataclass(frozen=True)
class Draft:
    form: PlanForm  # as kept, with what was typed
    stages: tuple[PlanStage, ...]  # as AWS would take them


def draft(submission: Submission) -> tuple[Draft | None, dict[str, str]]:
    form = read_form(submission.kept.data, submission.values)
    stages, problems = checked(form.stages, submission.services.plans.limits)
    if problems:
        return None, errors_for(form, problems)
    return Draft(form, stages), {}


async def plan_now(submission: Submission, draft: Draft) -> Contact:
    """The plan the form was opened for, as AWS holds it now: still an escalation plan."""
    return await submission.services.plans.plan(draft.form.arn)


async def saved(submission: Submission, draft: Draft, plan: Contact) -> str:
    services = submission.services
    try:
        result = await services.plans.save(submission.user, plan.arn, draft.form.read, draft.stages)
    except PlanChangedMeanwhile as conflict:
        return error_text(f"{conflict.message}\n*now:* {stages_summary(conflict.plan.stages)}")
    now = f"`{escape(result.after.alias)}`: {stages_summary(result.after.stages)} (* essential)"
    if not result.read_back:
        return (
            f":white_check_mark: Saved the escalation plan {now} — but I could not read it back "
            f"from AWS ({result.unread}), so this is what was sent; `/incident plan "
            f"{escape(result.after.alias)}` shows it as AWS holds it."
        )
    return f":white_check_mark: Saved the escalation plan {now}."


FORMS = [
    Form(PlanAction.MODAL, draft, plan_now, plan_editors(), saved, failed="Nothing was saved: ")
]
