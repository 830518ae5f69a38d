"""Forms (Slack modals) kept server side: what a form was rendered with — its subject, the
choices each input offered, the person it was opened for — is a row here, and the form's
``private_metadata`` carries only the row's key.

So a submission, or a press inside a form, is checked against what the bot itself rendered
whatever its payload claims: a changed ``private_metadata`` names no row, another person's
submission is not the opener's, and a choice the form never offered is not among the kept ones.
What a form carries is not bounded by Slack's 3,000 characters of ``private_metadata`` either.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import delete

from bot.blocks.common import error_text
from bot.blocks.modals import LOADING, message_modal
from bot.errors import DomainError, Refused
from bot.slack.outage import SlackUnavailable
from bot.store.database import Database, changed
from bot.store.schema import FormClaim

log = logging.getLogger(__name__)

KEEP_SECONDS = 24 * 3600  # a form left open longer is opened again
OPTION_ELEMENTS = frozenset({"static_select", "multi_static_select", "checkboxes", "radio_buttons"})
OPEN_AGAIN = "Nothing was changed; open the form again."

Inputs = dict[str, dict[str, dict[str, Any]]]  # block → action → {"type", "choices"}


class FormRefused(Refused):
    """A submission (or a press in a form) that is not what the bot rendered for this person."""


@dataclass(frozen=True)
class Kept:
    """A form as the bot rendered it for ``user_id``."""

    token: str
    view_id: str
    user_id: str
    callback_id: str
    data: dict[str, Any]  # what the renderer put in private_metadata
    inputs: Inputs


def offered(view: dict[str, Any]) -> Inputs:
    """Each input of a rendered view: its element's type and the choices it offers (None for
    free text, which the form's own checks read)."""
    found: Inputs = {}
    for block in view.get("blocks", []):
        if block.get("type") != "input":
            continue
        element = block.get("element") or {}
        options = element.get("options") or [
            option for group in element.get("option_groups") or [] for option in group["options"]
        ]
        choices = [o["value"] for o in options] if element.get("type") in OPTION_ELEMENTS else None
        found[block["block_id"]] = {
            element["action_id"]: {"type": element.get("type"), "choices": choices}
        }
    return found


def unoffered(values: Any, inputs: Inputs) -> str | None:
    """What a submission's ``state.values`` holds that the form never offered (an input it does
    not have, another kind of element, a choice not among its options), or None."""
    if not isinstance(values, dict):
        return "its values are not a form's"
    for block_id, actions in values.items():
        kept = inputs.get(block_id)
        if kept is None or not isinstance(actions, dict):
            return "a field the form does not have"
        for action_id, value in actions.items():
            element = kept.get(action_id)
            if element is None or not isinstance(value, dict):
                return "a field the form does not have"
            if value.get("type") != element["type"]:
                return "a field of another kind than the form's"
            if element["choices"] is not None and not set(_chosen(value)) <= set(
                element["choices"]
            ):
                return "a choice the form did not offer"
    return None


def _chosen(value: dict[str, Any]) -> list[Any]:
    picked = value.get("selected_options")
    if picked is None:
        picked = [value["selected_option"]] if value.get("selected_option") else []
    if not isinstance(picked, list):
        return [picked]
    return [option.get("value") if isinstance(option, dict) else option for option in picked]


class Forms:
    def __init__(self, slack: AsyncWebClient, database: Database) -> None:
        self.slack = slack
        self.database = database

    async def open(
        self,
        trigger_id: str,
        user_id: str,
        title: str,
        build: Callable[[], Awaitable[dict[str, Any]]],
    ) -> None:
        """Open a loading modal at once (a trigger lives 3 s), then replace it with what
        ``build`` makes, kept for ``user_id``, however long AWS takes; a domain error ``build``
        raises is shown in the modal instead."""
        loading = message_modal(title, LOADING)
        try:
            opened = (await self.slack.views_open(trigger_id=trigger_id, view=loading))["view"]
        except SlackUnavailable:
            raise  # said as the outage it is
        except SlackApiError as exc:  # the trigger expired (3 s), or Slack refused the view
            raise DomainError(
                f"Slack would not open the form ({exc.response.get('error')}): try again."
            ) from None
        try:
            view = await build()
        except DomainError as error:
            view = message_modal(title, error_text(error.message))
        shown = await self.keep(opened["id"], user_id, view)
        try:
            await self.slack.views_update(view_id=opened["id"], hash=opened["hash"], view=shown)
        except SlackApiError as exc:  # closed while loading: nobody is waiting for it
            log.info("modal %s was not filled: %s", opened["id"], exc.response.get("error"))

    async def keep(
        self, view_id: str, user_id: str, view: dict[str, Any], replacing: Kept | None = None
    ) -> dict[str, Any]:
        """``view`` as Slack may see it: a form's ``private_metadata`` swapped for the key of
        the row that keeps it (a view with nothing to submit is shown as it is). ``replacing``:
        the form it re-renders, whose key stops working; FormRefused when another re-render
        replaced it first."""
        if "submit" not in view:
            return view
        token = secrets.token_urlsafe(24)
        now = time.time()
        async with self.database.write() as session:
            if replacing is not None:
                gone = delete(FormClaim).where(FormClaim.token == replacing.token)
                if await changed(session, gone) != 1:
                    raise FormRefused(f"The form changed meanwhile. {OPEN_AGAIN}")
            await session.execute(delete(FormClaim).where(FormClaim.kept_at < now - KEEP_SECONDS))
            session.add(
                FormClaim(
                    token=token,
                    view_id=view_id,
                    user_id=user_id,
                    callback_id=str(view.get("callback_id") or ""),
                    data=view.get("private_metadata") or "{}",
                    inputs=json.dumps(offered(view)),
                    kept_at=now,
                )
            )
        return {**view, "private_metadata": token}

    async def replace(self, kept: Kept, view: dict[str, Any], view_hash: str | None) -> bool:
        """Re-render the form (``views.update``, unless Slack shows a newer one already): the
        old key stops working, the new one keeps ``view``. Whether it is shown."""
        try:
            shown = await self.keep(kept.view_id, kept.user_id, view, replacing=kept)
        except FormRefused:
            log.info("form %s was re-rendered by another press first", kept.view_id)
            return False
        update: dict[str, Any] = {"view_id": kept.view_id, "view": shown}
        if view_hash:
            update["hash"] = view_hash
        try:
            await self.slack.views_update(**update)
        except SlackApiError as exc:  # a newer render won, or the form was closed
            log.info("form %s not re-rendered: %s", kept.view_id, exc.response.get("error"))
            return False
        return True

    async def read(self, view: Any, user_id: str, callback_id: str) -> Kept:
        """The form ``view`` stands for (``callback_id``'s, rendered for ``user_id``), once
        what it carries is what it offered; FormRefused, saying why, when it is not."""
        kept = await self.kept(view, user_id)
        if kept.callback_id != callback_id:
            raise FormRefused(f"That is not the form I opened here. {OPEN_AGAIN}")
        problem = unoffered((view.get("state") or {}).get("values") or {}, kept.inputs)
        if problem:
            log.warning("refused form %s of %s: it carries %s", kept.view_id, user_id, problem)
            raise FormRefused(f"That form carries {problem}. {OPEN_AGAIN}")
        return kept

    async def kept(self, view: Any, user_id: str) -> Kept:
        """The form a payload's ``view`` stands for, as the bot rendered it for ``user_id``;
        FormRefused, saying so, when it is not one."""
        if not isinstance(view, dict):
            raise FormRefused(f"That is not a form I opened. {OPEN_AGAIN}")
        token = view.get("private_metadata")
        row = None
        if isinstance(token, str) and 0 < len(token) <= 64:
            async with self.database.session() as session:
                row = await session.get(FormClaim, token)
        if (
            row is None
            or row.view_id != view.get("id")
            or row.callback_id != view.get("callback_id")
        ):
            log.warning("refused a form of %s: its private_metadata names no form kept", user_id)
            raise FormRefused(f"That form is not one I opened, or it changed since. {OPEN_AGAIN}")
        if row.user_id != user_id:
            log.warning(
                "refused form %s: opened for %s, sent by %s", row.view_id, row.user_id, user_id
            )
            raise FormRefused(f"That form was opened by someone else. {OPEN_AGAIN}")
        if row.kept_at < time.time() - KEEP_SECONDS:
            raise FormRefused(f"That form was opened over a day ago. {OPEN_AGAIN}")
        data = json.loads(row.data)
        return Kept(
            row.token,
            row.view_id,
            row.user_id,
            row.callback_id,
            data if isinstance(data, dict) else {},
            json.loads(row.inputs),
        )
