"""Settings from the environment (and an optional ``.env``), checked once at start-up."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# What to do when a setting is missing or malformed, by variable name.
HOW_TO_FIX = {
    "SLACK_BOT_TOKEN": "create the Slack app from manifest.yml, install it to your workspace and "
    "copy the Bot User OAuth Token (xoxb-…) from 'OAuth & Permissions'",
    "SLACK_APP_TOKEN": "generate an app-level token (xapp-…) with the connections:write scope "
    "under 'Basic Information' to use Socket Mode, or unset it to use HTTP mode",
    "SLACK_SIGNING_SECRET": "copy the Signing Secret from the app's 'Basic Information' page "
    "(HTTP mode needs it to verify Slack's requests), or set SLACK_APP_TOKEN for Socket Mode",
    "SLACK_API_URL": "give an http(s) URL ending in /api/, or unset it to use Slack's",
    "DATABASE_URL": "give a sqlite:///path or postgresql://user:pass@host/db URL",
    "TIME_SCALE": "give the number of real seconds per plan minute (60 in production)",
    "CONTACT_MAP_FILE": "give the path of a YAML file mapping contact aliases to Slack users",
    "LOG_LEVEL": "give DEBUG, INFO, WARNING or ERROR",
    "PORT": "give a TCP port number (1-65535) for HTTP mode",
    "RESPONDER_USER_IDS": "give comma-separated Slack user ids (U…), from a profile's "
    "'Copy member ID'",
    "RESPONDER_GROUP": "give a Slack user group id (S…), from the group's page or usergroups.list",
    "ADMIN_GROUP": "give a Slack user group id (S…) of the bot's admins",
    "ONCALL_CHANNEL": "give a Slack channel id (C…) where on-call changes are posted",
    "COVER_MAX_DAYS": "give the longest cover /incident cover may make, in days (e.g. 14 or "
    "0.5), at most 365",
    "PLAN_EDITORS": "give admins (only ADMIN_GROUP edits escalation plans) or members (a "
    "plan's own people may too)",
    "AUTO_CHANNEL_PLANS": "give all, none, or comma-separated response plan names or ARNs",
    "MEMBER_GROUP": "give a Slack user group id (S…) of who may declare and read incidents, "
    "or unset it to let every workspace member",
    "ROLES": "give comma-separated role names (letters, digits, - and _), e.g. "
    "commander,communications",
    "UPDATE_REMINDER_MINUTES": "give five comma-separated minutes, for impact 1 to 5, e.g. "
    "15,30,60,60,60",
}
USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
GROUP_ID = re.compile(r"^S[A-Z0-9]{2,}$")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
ROLE_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def _listed(value: object) -> object:
    """A comma-separated setting as its parts, blank ones dropped; any other value as given."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _slack_id(value: str | None, pattern: re.Pattern[str], what: str) -> str | None:
    """A Slack id setting, stripped; None when blank; refused when it is not a ``what``."""
    if value and not pattern.match(value.strip()):
        raise ValueError(f"{value} is not a {what}")
    return value.strip() if value else None


TOKEN_PREFIXES = {"slack_bot_token": "xoxb-", "slack_app_token": "xapp-"}


class ConfigError(Exception):
    """A setting is missing or malformed; the message is one line a person can act on."""


class Settings(BaseSettings):
    """Every setting of the bot; names are the environment variables, case-insensitive."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str = "https://slack.com/api/"

    aws_region: str | None = Field(default=None, validation_alias="AWS_REGION")
    aws_max_concurrency: int = Field(default=8, ge=1, le=64)

    database_url: str = "sqlite:///incident-bot.db"

    default_response_plan: str | None = None
    announce_channel: str | None = None
    contact_map_file: Path | None = None
    responder_user_ids: Annotated[list[str], NoDecode] = Field(default_factory=list)
    responder_group: str | None = None
    admin_group: str | None = None
    member_group: str | None = None
    oncall_channel: str | None = None
    plan_editors: Literal["admins", "members"] = "admins"
    timeline_reaction: str = "pushpin"
    time_scale: float = Field(default=60.0, gt=0)
    mirror_interval_seconds: float = Field(default=60.0, gt=0)
    declaration_lease_seconds: float = Field(default=15.0, gt=0)
    sync_interval_seconds: float = Field(default=30.0, gt=0)
    sync_deep_reads: int = Field(default=10, ge=0)
    timeline_to_channel: bool = False
    auto_channel_plans: Annotated[list[str], NoDecode] = Field(default_factory=lambda: ["all"])
    handoff_notice_minutes: float = Field(default=15.0, gt=0)
    handoff_check_seconds: float = Field(default=60.0, gt=0)
    cover_max_days: float = Field(default=14.0, gt=0, le=365)
    roles: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["commander", "communications"]
    )
    update_reminder_minutes: Annotated[list[float], NoDecode] = Field(
        default_factory=lambda: [15.0, 30.0, 60.0, 60.0, 60.0]
    )
    aws_console_url: str = "https://console.aws.amazon.com/systems-manager/incidents"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    port: int = Field(default=3000, ge=1, le=65535)

    @field_validator("slack_bot_token", "slack_app_token")
    @classmethod
    def _token(cls, value: str | None, info: ValidationInfo) -> str | None:
        prefix = TOKEN_PREFIXES[info.field_name or ""]
        if value and not value.startswith(prefix):
            raise ValueError(f"must start with {prefix}")
        return value or None

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgres")):
            raise ValueError("must be a sqlite:// or postgresql:// URL")
        return value

    @field_validator("contact_map_file")
    @classmethod
    def _contact_map(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"{value} is not a readable file")
        return value

    @field_validator("responder_user_ids", mode="before")
    @classmethod
    def _user_ids(cls, value: object) -> object:
        value = _listed(value)
        if isinstance(value, list) and (wrong := [v for v in value if not USER_ID.match(str(v))]):
            raise ValueError(f"{', '.join(map(str, wrong))} is not a Slack user id")
        return value

    @field_validator("responder_group", "admin_group", "member_group")
    @classmethod
    def _group_id(cls, value: str | None) -> str | None:
        return _slack_id(value, GROUP_ID, "Slack user group id")

    @field_validator("oncall_channel")
    @classmethod
    def _channel_id(cls, value: str | None) -> str | None:
        return _slack_id(value, CHANNEL_ID, "Slack channel id")

    @field_validator("plan_editors", mode="before")
    @classmethod
    def _editors(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("auto_channel_plans", mode="before")
    @classmethod
    def _plans(cls, value: object) -> object:
        value = _listed(value)
        if isinstance(value, list) and not value:
            raise ValueError("is empty")
        if isinstance(value, list) and len(value) > 1 and {"all", "none"} & set(value):
            raise ValueError("all and none stand alone")
        return value

    def gives_channel(self, plan_name: str) -> bool:
        """Whether an incident of this response plan, started outside Slack, gets a channel."""
        names = {plan.rsplit("/", 1)[-1] for plan in self.auto_channel_plans}
        return names == {"all"} or plan_name in names - {"none"}

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, value: object) -> object:
        value = _listed(value.lower() if isinstance(value, str) else value)
        if isinstance(value, list):
            if not value:
                raise ValueError("name at least one role")
            if wrong := [v for v in value if not ROLE_NAME.match(str(v))]:
                raise ValueError(f"{', '.join(map(str, wrong))} is not a role name")
        return value

    @field_validator("update_reminder_minutes", mode="before")
    @classmethod
    def _reminder_minutes(cls, value: object) -> object:
        value = _listed(value)
        if isinstance(value, list):
            if len(value) != 5:
                raise ValueError("give one number per impact, 1 to 5")
            try:
                minutes = [float(v) for v in value]
            except (TypeError, ValueError):
                raise ValueError("every value must be a number of minutes") from None
            if any(m <= 0 for m in minutes):
                raise ValueError("every value must be more than 0")
            return minutes
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("timeline_reaction")
    @classmethod
    def _reaction(cls, value: str) -> str:
        return value.strip(":")

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    def require_slack(self) -> None:
        """Check that the Slack credentials the chosen mode needs are present."""
        if not self.slack_bot_token:
            raise _missing("SLACK_BOT_TOKEN")
        if not self.socket_mode and not self.slack_signing_secret:
            raise _missing("SLACK_SIGNING_SECRET")


def _missing(variable: str) -> ConfigError:
    return ConfigError(f"{variable} is not set: {HOW_TO_FIX[variable]}.")


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning pydantic's report into one line per bad variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            variable = str(error["loc"][0]).upper() if error["loc"] else "configuration"
            fix = HOW_TO_FIX.get(variable, "see the configuration table in README.md")
            lines.append(f"{variable} is invalid ({error['msg']}): {fix}.")
        raise ConfigError("\n".join(lines)) from None
