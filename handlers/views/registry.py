"""Every form the bot opens, declared once, as its buttons are (``handlers/actions/registry``):
its callback id, how its fields are read (what is wrong is said under the field), what it acts
on — re-derived on the server from what the form was opened with, which the bot kept — who may
submit it, and what it does. One listener runs them all (``listen``): a submission that is not
the form the bot opened for this person, or carries a choice it never offered, is refused
before anything else (``Forms.read``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bot.blocks.common import error_text
from bot.blocks.modals import message_modal
from bot.errors import DomainError
from bot.slack.forms import FormRefused, Kept
from handlers.replies import reply
from handlers.who import Who

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services

F = TypeVar("F")
S = TypeVar("S")
CHECKING = ":hourglass_flowing_sand: Checking with AWS…"


@dataclass(frozen=True)
class Submission:
    """One submission as Slack delivered it, and the form as the bot opened it (``kept``)."""

    user: str
    view: dict = field(repr=False)
    kept: Kept = field(repr=False)
    services: Services = field(repr=False)

    @property
    def values(self) -> dict[str, Any]:
        """What was typed and chosen, each choice one the form offered (``Forms.read``)."""
        return (self.view.get("state") or {}).get("values") or {}

    @property
    def origin(self) -> str | None:
        """The channel the form was opened from, as kept (None: answer by DM)."""
        return self.kept.data.get("channel") or None

    @property
    def request(self) -> str:
        """What stays the same when Slack delivers this submission again."""
        return str(self.view.get("id", "")) + str(self.view.get("hash", ""))


@dataclass(frozen=True)
class Form(Generic[F, S]):
    callback_id: str
    fields: Callable[[Submission], tuple[F | None, dict[str, str]]]  # read, or errors by block
    subject: Callable[[Submission, F], Awaitable[S]]  # what it acts on, from the server's side
    who: Who[S]  # who may submit, checked on that subject
    # what to tell the submitter (None: nothing); a form that ``stays_open`` may show a view
    act: Callable[[Submission, F, S], Awaitable[str | dict | None]]
    failed: str = ""  # said before a refusal: what did not happen
    # where the answer goes: by default the channel the form was opened from
    answer_in: Callable[[Submission], Awaitable[str | None]] | None = None
    stays_open: bool = False  # "checking" until it is done, then its outcome in the form itself


async def run(form: Form[Any, Any], submission: Submission, fields: Any) -> Any:
    """Re-derive the subject, check who may, then act."""
    subject = await form.subject(submission, fields)
    await form.who.check(submission.services, submission.user, subject)
    return await form.act(submission, fields, subject)


def listen(app: AsyncApp, services: Services, forms: Sequence[Form[Any, Any]]) -> None:
    """One listener per callback id (``listener``)."""
    for form in forms:
        app.view(form.callback_id)(listener(form, services))


def listener(form: Form[Any, Any], services: Services) -> Callable[..., Awaitable[None]]:
    """Refuses what the bot did not open for this person, says a field's problem under it,
    then acks and works (answering privately, or in the form when it ``stays_open``)."""

    async def submitted(ack: Any, body: dict, view: dict) -> None:
        user = body["user"]["id"]
        title = ((view.get("title") or {}).get("text") or "")[:24] or "incident-bot"
        try:
            kept = await services.forms.read(view, user, form.callback_id)
        except FormRefused as refused:
            await ack(
                response_action="update", view=message_modal(title, error_text(refused.message))
            )
            return
        submission = Submission(user, view, kept, services)
        fields, errors = form.fields(submission)
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        if form.stays_open:
            await ack(response_action="update", view=message_modal(title, CHECKING))
            await _shown(form, submission, fields, title)
            return
        await ack()
        where = await form.answer_in(submission) if form.answer_in else submission.origin
        await reply(services.slack, user, where, run(form, submission, fields), form.failed)

    return submitted


async def _shown(form: Form[Any, Any], submission: Submission, fields: Any, title: str) -> None:
    """The outcome of a form that stays open, shown in it: what it says, the view it gives
    (e.g. the form again, with what was wrong), or why it was refused."""
    try:
        outcome = await run(form, submission, fields)
    except DomainError as error:
        outcome = error_text(f"{form.failed}{error.message}")
    view = outcome if isinstance(outcome, dict) else message_modal(title, outcome or "Done.")
    await submission.services.forms.replace(submission.kept, view, None)
