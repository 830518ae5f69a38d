"""Every action, callback and block id: rendering and handlers share these, so they cannot drift."""

from __future__ import annotations

from enum import StrEnum


class Callback(StrEnum):
    DECLARE_MODAL = "declare_incident_modal"
    UPDATE_MODAL = "update_incident_modal"
    MESSAGE_MODAL = "incident_message_modal"  # no inputs: loading, or why it cannot go on
    DECLARE_SHORTCUT = "declare_incident"
    TIMELINE_SHORTCUT = "add_to_timeline"
    LINKS_SHORTCUT = "add_links_to_incident"
    STATUS_UPDATE_MODAL = "status_update_modal"


class Action(StrEnum):
    UPDATE = "incident_update"
    RESOLVE = "incident_resolve"
    REOPEN = "incident_reopen"
    UNLINK = "incident_unlink"
    PICK = "incident_pick"
    TITLE = "title"
    IMPACT = "impact"
    PLAN = "response_plan"
    SUMMARY = "summary"
    CHANNEL = "create_channel"
    STATUS = "status"
    POST_UPDATE = "incident_post_update"
    EXPORT = "incident_export"
    ARCHIVE = "incident_archive_channel"
    WHAT = "what_is_happening"
    NEXT_UPDATE = "next_update_minutes"


class Block(StrEnum):
    TITLE = "title_block"
    IMPACT = "impact_block"
    PLAN = "plan_block"
    SUMMARY = "summary_block"
    CHANNEL = "channel_block"
    STATUS = "status_block"
    CARD_ACTIONS = "card_actions"
    WHAT = "what_block"
    NEXT_UPDATE = "next_update_block"


class PagingAction(StrEnum):
    ACKNOWLEDGE = "page_acknowledge"
    ESCALATE_NOW = "page_escalate_now"
    PAGE_AGAIN = "page_again"


class PlanAction(StrEnum):
    """The escalation plan's message and its edit form."""

    EDIT = "plan_edit"
    STAGE_MENU = "plan_stage_menu"  # move up, move down, remove (value ``up:1``)
    REMOVE_TARGET = "plan_remove_target"  # value ``stage:target``
    ADD_TARGET = "plan_add_target"  # an external_select, its options from ListContacts
    ADD_STAGE = "plan_add_stage"
    MINUTES = "plan_minutes"
    ESSENTIAL = "plan_essential"
    MODAL = "plan_edit_modal"


class MeAction(StrEnum):
    """``/incident me``: a person's channels and engagement plan, and their forms."""

    EDIT = "me_edit"
    ACTIVATE = "me_activate"
    PLAN_MODAL = "me_plan_modal"
    CODE_MODAL = "me_code_modal"
    MINUTES = "me_minutes"
    CHANNELS = "me_channels"
    RETRY = "me_retry"
    CODE = "me_code"


class OncallAction(StrEnum):
    REMOVE_OVERRIDE = "oncall_remove_override"
    COVER_FOR_ME = "oncall_cover_for_me"
    WILL_COVER = "oncall_will_cover"
