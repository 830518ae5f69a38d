"""Every button and menu the bot renders, declared once, as the ``/incident`` subcommands are:
its action id, what it acts on — re-derived on the server from the claim its value makes —
who may press it, and what it does. One listener runs them all (``listen``), so a new button
cannot skip the re-derivation or the check."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bot.incidents.record import incident_arn
from handlers.replies import reply
from handlers.who import OnIncident, Who

if TYPE_CHECKING:
    from slack_bolt.async_app import AsyncApp

    from bot.services import Services

S = TypeVar("S")


@dataclass(frozen=True)
class Press:
    """One press (or menu choice) as Slack delivered it. ``value`` — the button's value or
    the option chosen — is a claim, never a fact: a button's ``subject`` re-derives it."""

    user: str
    channel: str | None  # None: in a DM, the Home tab or a form
    value: str
    action: dict = field(repr=False)
    body: dict = field(repr=False)
    services: Services = field(repr=False)
    respond: Callable[..., Awaitable[Any]] = field(repr=False)
    client: Any = field(repr=False)

    @property
    def request(self) -> str:
        """What stays the same when Slack delivers this press again (audits, client tokens)."""
        return str(self.action.get("action_ts") or self.body.get("trigger_id") or "")


@dataclass(frozen=True)
class Button(Generic[S]):
    action_id: str
    subject: Callable[[Press], Awaitable[S]]  # what it acts on, from the server's side
    who: Who[S]  # who may press, checked on that subject
    # what to tell the presser (None: nothing); for a button that ``opens`` a form, its view
    act: Callable[[Press, S], Awaitable[str | dict | None]]
    failed: str = ""  # said before a refusal: what did not happen
    opens: str = ""  # the title of the form it opens: a loading one at once, what is wrong in it


def press_of(body: dict, action: dict, services: Services, respond: Any, client: Any) -> Press:
    chosen = action.get("selected_option") or {}
    return Press(
        user=body["user"]["id"],
        channel=(body.get("channel") or {}).get("id"),
        value=str(action.get("value") or chosen.get("value") or ""),
        action=action,
        body=body,
        services=services,
        respond=respond,
        client=client,
    )


async def run(button: Button[Any], press: Press) -> Any:
    """Re-derive the subject, check who may, then act."""
    subject = await button.subject(press)
    await button.who.check(press.services, press.user, subject)
    return await button.act(press, subject)


def listen(app: AsyncApp, services: Services, buttons: Sequence[Button[Any]]) -> None:
    """One listener per action id (``listener``)."""
    for button in buttons:
        app.action(button.action_id)(listener(button, services))


def listener(button: Button[Any], services: Services) -> Callable[..., Awaitable[None]]:
    """Acks first, then runs the button and answers the presser privately (a domain error as
    a warning, after what did not happen)."""

    async def pressed(ack: Any, body: dict, action: dict, respond: Any, client: Any) -> None:
        await ack()
        if "selected_option" in action and not action["selected_option"]:
            return  # a menu deselected: nothing chosen, nothing to do
        press = press_of(body, action, services, respond, client)
        if button.opens:  # the trigger lives 3 s: the form opens first, and says what is wrong
            opened = services.forms.open(
                body["trigger_id"], press.user, button.opens, lambda: run(button, press)
            )
            await reply(services.slack, press.user, press.channel, opened, button.failed)
            return
        await reply(services.slack, press.user, press.channel, run(button, press), button.failed)

    return pressed


async def incident_pressed(press: Press) -> OnIncident:
    """The incident a card, reminder or resolution-offer button names (who may change it is
    checked on it next; what it holds is read from AWS as the button acts)."""
    return OnIncident(incident_arn(press.value))
