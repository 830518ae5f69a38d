"""Settings: defaults, parsing as users write them, and one-line errors."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings
from bot.logs import redact
from bot.store.urls import async_url


def test_defaults_need_only_what_each_mode_needs(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(_env_file=None, slack_bot_token="xoxb-1", slack_app_token="xapp-1")
    settings.require_slack()  # Socket Mode needs no signing secret
    assert settings.socket_mode
    assert settings.database_url == "sqlite:///incident-bot.db"
    assert settings.slack_api_url == "https://slack.com/api/"


def test_http_mode_requires_the_signing_secret() -> None:
    settings = load_settings(_env_file=None, slack_bot_token="xoxb-1")
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET is not set"):
        settings.require_slack()


def test_lists_and_names_are_read_as_people_write_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESPONDER_USER_IDS", "U0123ABCD, W0456EFGH")
    monkeypatch.setenv("RESPONDER_GROUP", " S0614TZR7 ")
    monkeypatch.setenv("TIMELINE_REACTION", ":memo:")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:1/api")
    settings = load_settings(_env_file=None)
    assert settings.responder_user_ids == ["U0123ABCD", "W0456EFGH"]
    assert settings.responder_group == "S0614TZR7"
    assert settings.timeline_reaction == "memo"
    assert settings.log_level == "DEBUG"
    assert settings.slack_api_url == "http://127.0.0.1:1/api/"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "mysql://x"),
        ("TIME_SCALE", "-1"),
        ("CONTACT_MAP_FILE", "/nope.yml"),
        ("RESPONDER_USER_IDS", "U0123ABCD, @bob"),
        ("RESPONDER_GROUP", "oncall-team"),
        ("LOG_LEVEL", "verbose"),
        ("PORT", "http"),
    ],
)
def test_a_bad_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=f"^{variable} is invalid"):
        load_settings(_env_file=None)


def test_database_urls_get_async_and_sync_drivers() -> None:
    assert async_url("sqlite:///x.db").drivername == "sqlite+aiosqlite"
    assert async_url("postgresql://u:p@h/db").drivername == "postgresql+asyncpg"
    assert async_url("postgres://u:p@h/db").drivername == "postgresql+asyncpg"


def test_secrets_are_redacted_from_log_text() -> None:
    text = "token=xoxb-123-abc app xapp-1-A-2 signing_secret=abcd"
    cleaned = redact(text)
    assert "xoxb-123" not in cleaned and "xapp-1" not in cleaned and "abcd" not in cleaned
