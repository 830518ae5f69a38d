"""Slack's documented limits, one table: every check and every pace of the local Slack reads it.

Each entry names the reference page that documents it. Where Slack's pages are silent or say
two things, the entry's ``note`` says so and what the local Slack does instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DOCS = "https://docs.slack.dev/reference"
BLOCKS = f"{DOCS}/block-kit/blocks"
ELEMENTS = f"{DOCS}/block-kit/block-elements"
OBJECTS = f"{DOCS}/block-kit/composition-objects"
VIEWS = f"{DOCS}/views"
METHODS = f"{DOCS}/methods"
RATE_LIMITS = "https://docs.slack.dev/apis/web-api/rate-limits"
TRUNCATION = "https://api.slack.com/changelog/2018-04-truncating-really-long-messages"


@dataclass(frozen=True)
class Rule:
    """What Slack documents for one field of a Block Kit object or view.

    ``shape`` says what the field holds: ``string``, ``integer``, ``boolean``, ``enum``
    (one of ``values``), ``text`` (a text object of either type), ``plain_text`` (a
    ``plain_text`` text object only), ``texts`` (a list of text objects), ``object`` /
    ``objects`` (composition objects of kind ``of``), ``element`` / ``elements`` (block
    elements of the group ``of``). ``least``/``most`` bound a string's characters, an
    integer's value, a list's items or a text object's ``text``; ``each`` bounds each text
    of a ``texts`` list.
    """

    shape: str
    source: str
    most: int | None = None
    least: int | None = None
    required: bool = False
    of: str = ""
    each: int | None = None
    values: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Kind:
    """A Block Kit object: its page, its fields, and fields of which one at least is given."""

    source: str
    fields: dict[str, Rule]
    one_of: tuple[str, ...] = ()


def _block(page: str, **fields: Rule) -> Kind:
    """A block: ``block_id`` (at most 255 characters, on every block's page) and ``fields``."""
    source = f"{BLOCKS}/{page}"
    return Kind(source, {"block_id": Rule("string", source, most=255), **fields})


def _element(page: str, **fields: Rule) -> Kind:
    """An interactive element: ``action_id`` (at most 255 characters on every element's page)."""
    source = f"{ELEMENTS}/{page}"
    return Kind(source, {"action_id": Rule("string", source, most=255), **fields})


def _placeholder(page: str) -> Rule:
    return Rule("plain_text", f"{ELEMENTS}/{page}", most=150)


def _confirm(page: str) -> Rule:
    return Rule("object", f"{ELEMENTS}/{page}", of="confirm")


TEXT_OBJECT = f"{OBJECTS}/text-object"
TEXT_MOST = 3000  # a text object's text: 1 to 3000 characters (text-object page)
SELECT = f"{ELEMENTS}/select-menu-element"
MULTI_SELECT = f"{ELEMENTS}/multi-select-menu-element"


def _select(page: str, multi: bool, **fields: Rule) -> Kind:
    """A select menu, single or multi (their two pages share their fields)."""
    extra = {"max_selected_items": Rule("integer", MULTI_SELECT, least=1)} if multi else {}
    return _element(
        page,
        placeholder=_placeholder(page),
        confirm=_confirm(page),
        focus_on_load=Rule("boolean", f"{ELEMENTS}/{page}"),
        **extra,
        **fields,
    )


def _static_select(multi: bool) -> Kind:
    page = MULTI_SELECT if multi else SELECT
    kind = _select(
        page.rsplit("/", 1)[1],
        multi,
        options=Rule("objects", page, most=100, of="option"),
        option_groups=Rule("objects", page, most=100, of="option_group"),
    )
    return Kind(kind.source, kind.fields, one_of=("options", "option_groups"))


def _choices(page: str, initial: str) -> Kind:
    """Checkboxes or radio buttons: 1 to 10 options, whose text may be mrkdwn."""
    source = f"{ELEMENTS}/{page}"
    shape = "objects" if initial.endswith("s") else "object"
    return _element(
        page,
        options=Rule("objects", source, least=1, most=10, of="rich_option", required=True),
        **{initial: Rule(shape, source, of="rich_option")},
        confirm=_confirm(page),
        focus_on_load=Rule("boolean", source),
    )


def _option(text: str, note: str = "", **extra: Rule) -> Kind:
    """An option: its ``text`` (a ``plain_text`` or any text object) ≤ 75, value ≤ 150."""
    source = f"{OBJECTS}/option-object"
    return Kind(
        source,
        {
            "text": Rule(text, source, most=75, required=True, note=note),
            "value": Rule("string", source, most=150, required=True),
            "description": Rule(text, source, most=75),
            **extra,
        },
    )


# Block Kit objects by ``type`` (blocks and elements) or by role (composition objects).
KINDS: dict[str, Kind] = {
    # -- blocks ------------------------------------------------------------
    "actions": _block(
        "actions-block",
        elements=Rule("elements", f"{BLOCKS}/actions-block", least=1, most=25, of="action"),
    ),
    "context": _block(
        "context-block",
        elements=Rule(
            "elements",
            f"{BLOCKS}/context-block",
            least=1,
            most=10,
            of="context",
            note="its text objects are bounded by the text object's 3000 characters",
        ),
    ),
    "divider": _block("divider-block"),
    "header": _block(
        "header-block",
        text=Rule("plain_text", f"{BLOCKS}/header-block", most=150, required=True),
    ),
    "image": _block(
        "image-block",
        image_url=Rule("string", f"{BLOCKS}/image-block", most=3000),
        alt_text=Rule("string", f"{BLOCKS}/image-block", most=2000, required=True),
        title=Rule("plain_text", f"{BLOCKS}/image-block", most=2000),
    ),
    "input": _block(
        "input-block",
        label=Rule("plain_text", f"{BLOCKS}/input-block", most=2000, required=True),
        element=Rule("element", f"{BLOCKS}/input-block", of="input", required=True),
        hint=Rule("plain_text", f"{BLOCKS}/input-block", most=2000),
        optional=Rule("boolean", f"{BLOCKS}/input-block"),
        dispatch_action=Rule("boolean", f"{BLOCKS}/input-block"),
    ),
    "markdown": _block(
        "markdown-block",
        text=Rule(
            "string",
            f"{BLOCKS}/markdown-block",
            least=1,
            required=True,
            note="12,000 characters for all markdown blocks of a payload together (MARKDOWN_MOST)",
        ),
    ),
    "rich_text": _block(
        "rich-text-block",
        elements=Rule(
            "list",
            f"{BLOCKS}/rich-text-block",
            required=True,
            note="its sub-elements are not checked: the bot reads rich text, it never sends it",
        ),
    ),
    "section": Kind(
        f"{BLOCKS}/section-block",
        {
            **_block("section-block").fields,
            "text": Rule("text", f"{BLOCKS}/section-block", least=1, most=3000),
            "fields": Rule("texts", f"{BLOCKS}/section-block", least=1, most=10, each=2000),
            "accessory": Rule("element", f"{BLOCKS}/section-block", of="accessory"),
            "expand": Rule("boolean", f"{BLOCKS}/section-block"),
        },
        one_of=("text", "fields"),
    ),
    # -- block elements ----------------------------------------------------
    "button": _element(
        "button-element",
        text=Rule("plain_text", f"{ELEMENTS}/button-element", most=75, required=True),
        url=Rule("string", f"{ELEMENTS}/button-element", most=3000),
        value=Rule("string", f"{ELEMENTS}/button-element", most=2000),
        style=Rule("enum", f"{ELEMENTS}/button-element", values=("primary", "danger")),
        confirm=_confirm("button-element"),
        accessibility_label=Rule("string", f"{ELEMENTS}/button-element", most=75),
    ),
    "checkboxes": _choices("checkboxes-element", "initial_options"),
    "radio_buttons": _choices("radio-button-group-element", "initial_option"),
    "overflow": _element(
        "overflow-menu-element",
        options=Rule(
            "objects",
            f"{ELEMENTS}/overflow-menu-element",
            least=1,
            most=5,
            of="overflow_option",
            required=True,
            note="the page says 'up to five'; no minimum is documented (one is asked here)",
        ),
        confirm=_confirm("overflow-menu-element"),
    ),
    "static_select": _static_select(multi=False),
    "multi_static_select": _static_select(multi=True),
    "external_select": _select(
        "select-menu-element",
        False,
        initial_option=Rule("object", SELECT, of="option"),
        min_query_length=Rule("integer", SELECT, least=0),
    ),
    "multi_external_select": _select(
        "multi-select-menu-element",
        True,
        initial_options=Rule("objects", MULTI_SELECT, of="option"),
        min_query_length=Rule("integer", MULTI_SELECT, least=0),
    ),
    **{
        f"{multi}{what}_select": _select(page, bool(multi))
        for multi, page in (("", "select-menu-element"), ("multi_", "multi-select-menu-element"))
        for what in ("users", "conversations", "channels")
    },
    "plain_text_input": _element(
        "plain-text-input-element",
        placeholder=_placeholder("plain-text-input-element"),
        initial_value=Rule("string", f"{ELEMENTS}/plain-text-input-element"),
        multiline=Rule("boolean", f"{ELEMENTS}/plain-text-input-element"),
        min_length=Rule("integer", f"{ELEMENTS}/plain-text-input-element", least=0, most=3000),
        max_length=Rule("integer", f"{ELEMENTS}/plain-text-input-element", least=1, most=3000),
        focus_on_load=Rule("boolean", f"{ELEMENTS}/plain-text-input-element"),
    ),
    "number_input": _element(
        "number-input-element",
        is_decimal_allowed=Rule("boolean", f"{ELEMENTS}/number-input-element", required=True),
        placeholder=_placeholder("number-input-element"),
        initial_value=Rule("string", f"{ELEMENTS}/number-input-element"),
        min_value=Rule("string", f"{ELEMENTS}/number-input-element"),
        max_value=Rule("string", f"{ELEMENTS}/number-input-element"),
        focus_on_load=Rule("boolean", f"{ELEMENTS}/number-input-element"),
    ),
    "email_text_input": _element(
        "email-input-element", placeholder=_placeholder("email-input-element")
    ),
    "url_text_input": _element("url-input-element", placeholder=_placeholder("url-input-element")),
    "datepicker": _element(
        "date-picker-element",
        placeholder=_placeholder("date-picker-element"),
        initial_date=Rule("string", f"{ELEMENTS}/date-picker-element"),
        confirm=_confirm("date-picker-element"),
    ),
    "timepicker": _element(
        "time-picker-element",
        placeholder=_placeholder("time-picker-element"),
        initial_time=Rule("string", f"{ELEMENTS}/time-picker-element"),
        confirm=_confirm("time-picker-element"),
    ),
    "datetimepicker": _element(
        "datetime-picker-element", confirm=_confirm("datetime-picker-element")
    ),
    "image_element": Kind(
        f"{ELEMENTS}/image-element",
        {
            "image_url": Rule("string", f"{ELEMENTS}/image-element"),
            "alt_text": Rule(
                "string",
                f"{ELEMENTS}/image-element",
                required=True,
                note="no maximum on the element's page (the image block's is 2000)",
            ),
        },
    ),
    # -- composition objects -----------------------------------------------
    "confirm": Kind(
        f"{OBJECTS}/confirmation-dialog-object",
        {
            "title": Rule(
                "plain_text", f"{OBJECTS}/confirmation-dialog-object", most=100, required=True
            ),
            "text": Rule(
                "text",
                f"{OBJECTS}/confirmation-dialog-object",
                most=300,
                required=True,
                note="docs.slack.dev says plain_text; api.slack.com said any text object: both "
                "are accepted",
            ),
            "confirm": Rule(
                "plain_text", f"{OBJECTS}/confirmation-dialog-object", most=30, required=True
            ),
            "deny": Rule(
                "plain_text", f"{OBJECTS}/confirmation-dialog-object", most=30, required=True
            ),
            "style": Rule(
                "enum", f"{OBJECTS}/confirmation-dialog-object", values=("primary", "danger")
            ),
        },
    ),
    "option": _option("plain_text", note="plain_text only in select menus and overflow menus"),
    "rich_option": _option("text", note="checkboxes and radio buttons take mrkdwn too"),
    "overflow_option": _option(
        "plain_text", url=Rule("string", f"{OBJECTS}/option-object", most=3000)
    ),
    "option_group": Kind(
        f"{OBJECTS}/option-group-object",
        {
            "label": Rule("plain_text", f"{OBJECTS}/option-group-object", most=75, required=True),
            "options": Rule(
                "objects", f"{OBJECTS}/option-group-object", most=100, of="option", required=True
            ),
        },
    ),
}

# Which element types each place takes (each block's page lists them).
_SELECTS = {
    f"{multi}{what}_select"
    for multi in ("", "multi_")
    for what in ("static", "external", "users", "conversations", "channels")
}
_CHOICES = {"checkboxes", "datepicker", "radio_buttons", "timepicker", *_SELECTS}
ELEMENT_GROUPS: dict[str, frozenset[str]] = {
    "action": frozenset({"button", "datetimepicker", "overflow", *_CHOICES}),
    "accessory": frozenset({"button", "image", "overflow", *_CHOICES}),
    "input": frozenset(
        {"datetimepicker", "email_text_input", "number_input", "plain_text_input", *_CHOICES}
        | {"url_text_input"}
    ),
    "context": frozenset({"image", "plain_text", "mrkdwn"}),
}

# Which blocks each surface takes ("Available in surfaces" on each block's page; the overview
# at BLOCKS): markdown blocks only in messages. Block types the table does not know (video,
# file, table…) are refused: the bot sends none, and a new one gets its line here first.
_EVERYWHERE = {"actions", "context", "divider", "header", "image", "input", "rich_text", "section"}
SURFACE_BLOCKS: dict[str, frozenset[str]] = {
    "message": frozenset(_EVERYWHERE | {"markdown"}),
    "modal": frozenset(_EVERYWHERE),
    "home": frozenset(_EVERYWHERE),
}


@dataclass(frozen=True)
class Surface:
    """A message or a view: how many blocks it holds and its own fields."""

    blocks: int
    source: str
    fields: dict[str, Rule] = field(default_factory=dict)


SURFACES: dict[str, Surface] = {
    "message": Surface(50, BLOCKS),
    "modal": Surface(
        100,
        VIEWS,
        {
            "title": Rule("plain_text", VIEWS, most=24, required=True),
            "close": Rule("plain_text", VIEWS, most=24),
            "submit": Rule(
                "plain_text",
                VIEWS,
                most=24,
                note="required when the blocks hold an input block (SUBMIT_NEEDED)",
            ),
            "private_metadata": Rule("string", VIEWS, most=3000),
            "callback_id": Rule("string", VIEWS, most=255),
            "external_id": Rule("string", VIEWS, note="no maximum documented"),
            "clear_on_close": Rule("boolean", VIEWS),
            "notify_on_close": Rule("boolean", VIEWS),
            "submit_disabled": Rule("boolean", VIEWS),
        },
    ),
    "home": Surface(
        100,
        VIEWS,
        {
            "private_metadata": Rule("string", VIEWS, most=3000),
            "callback_id": Rule("string", VIEWS, most=255),
            "external_id": Rule("string", VIEWS, note="no maximum documented"),
        },
    ),
}
SUBMIT_NEEDED = VIEWS  # "submit ... is required when an input block is within the blocks array"
BLOCK_ID_UNIQUE = BLOCKS  # "block_id should be unique for each message and each iteration"
ACTION_ID_UNIQUE = ELEMENTS  # "Should be unique among all other action_ids in the containing block"
MARKDOWN_MOST = 12_000  # all markdown blocks of one payload together (markdown-block page)

# -- messages (chat.postMessage, chat.postEphemeral, chat.update, response URLs) ----------
MESSAGE_TEXT = 40_000  # longer text is truncated, with a warning (TRUNCATION)
TRUNCATING = frozenset({"chat.postMessage", "chat.postEphemeral", "response_url"})  # TRUNCATION
TEXT_TOO_LONG = (
    "chat.update lists msg_too_long ('Message text is too long', METHODS/chat.update) and is "
    "not among the methods that truncate: it is refused past the same 40,000 characters, a "
    "threshold its page does not state"
)
TRUNCATED_WARNING = (
    "[WARN] Your message was truncated but still posted. "
    "The `text` field accepts up to 40,000 characters."
)
MARKDOWN_TEXT = 12_000  # markdown_text: "Limit this field to 12,000 characters" (METHODS/…)
MARKDOWN_TEXT_TOO_LONG = (
    "the pages say to keep markdown_text within 12,000 characters but not what Slack answers "
    "past it: the local Slack refuses it with msg_too_long"
)
ATTACHMENTS = 100  # too_many_attachments: "A maximum of 100 attachments" (chat.postMessage)
METADATA_EVENT_TYPE = r"[a-zA-Z0-9_]{1,255}"  # METHODS/chat.postMessage, metadata
CHANNEL_NAME = r"[a-z0-9_-]{1,80}"  # METHODS/conversations.create: lowercase, 80 characters
# METHODS/conversations.invite says both "Up to 100 users may be listed" (the argument) and
# "invites 1-1000 users" (usage), and names no error for too many: 100, invalid_arguments.
INVITE_USERS = 100


# -- pace (RATE_LIMITS; each method's tier is on its reference page, METHODS/<method>) --------
@dataclass(frozen=True)
class Pace:
    """Calls ``per_minute`` on average, ``burst`` at once: a bucket of ``burst`` calls refilled at
    ``per_minute``. Slack documents the per-minute figure; it "does not share precise burst
    limits externally" (RATE_LIMITS), so each ``burst`` is this model's reading."""

    per_minute: float
    burst: int
    source: str = RATE_LIMITS


TIER_1 = Pace(1, 3)  # "1+ per minute ... A small amount of burst behavior is tolerated"
TIER_2 = Pace(20, 20)  # "20+ per minute ... occasional bursts"
TIER_3 = Pace(50, 50)  # "50+ per minute ... Sporadic bursts are welcome"
TIER_4 = Pace(100, 100)  # "100+ per minute ... generous burst behavior"
HUNDREDS = Pace(200, 200)  # special: "hundreds of requests per minute" (auth.test, getPermalink)

TIERS: dict[str, Pace] = {
    "apps.connections.open": TIER_1,
    "auth.test": HUNDREDS,
    "bots.info": TIER_3,
    "canvases.access.set": TIER_3,
    "canvases.create": TIER_2,
    "chat.delete": TIER_3,
    "chat.getPermalink": HUNDREDS,
    "chat.postEphemeral": TIER_4,
    "chat.update": TIER_3,
    "conversations.archive": TIER_2,
    "conversations.create": TIER_2,
    "conversations.history": TIER_3,
    "conversations.info": TIER_3,
    "conversations.invite": TIER_3,
    "conversations.join": TIER_3,
    "conversations.list": TIER_2,
    "conversations.members": TIER_4,
    "conversations.open": TIER_3,
    "conversations.replies": TIER_3,
    "files.completeUploadExternal": TIER_4,
    "files.getUploadURLExternal": TIER_4,
    "pins.add": TIER_2,
    "pins.list": TIER_2,
    "reactions.add": TIER_3,
    "usergroups.users.list": TIER_2,
    "users.info": TIER_4,
    "users.lookupByEmail": TIER_3,
    "views.open": TIER_4,
    "views.publish": TIER_4,
    "views.push": TIER_4,
    "views.update": TIER_4,
}
# chat.postMessage, special: "1 message per second to a specific channel ... limiting posting to
# several hundred messages per minute [workspace-wide]. Generous burst behavior is also granted"
# (METHODS/chat.postMessage). "Short bursts >1 allowed" for posting messages (RATE_LIMITS).
POSTS_PER_CHANNEL = Pace(60, 3)  # one a second, short bursts of three (the burst is a reading)
POSTS_PER_WORKSPACE = Pace(300, 300)  # "several hundred" read as 300
POSTING = "chat.postMessage"
# Events API: "30,000 deliveries per workspace/team per app per 60 minutes"; past it Slack
# sends app_rate_limited (RATE_LIMITS#events, DOCS/events/app_rate_limited).
EVENTS_PER_HOUR = 30_000
