"""Logging set-up, with Slack and AWS secrets redacted from every record."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

SECRET = re.compile(
    r"(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+"
    r"|(?i:aws_secret_access_key|signing_secret|secret|token)\s*[=:]\s*['\"]?[^\s'\",&]+"
    r"|https://hooks\.slack\.com/[^\s'\",]+"  # a response_url: whoever holds it may answer
    r"|(?i:response_url)['\"]?\s*[=:]\s*['\"]?[^\s'\",&]+)"
)


# libraries that say too much at INFO (slack_sdk's webhook client: each response_url it retries)
QUIET = ("alembic", "apscheduler", "botocore", "aiohttp.access", "slack_sdk.webhook")


def redact(text: str) -> str:
    return SECRET.sub("[redacted]", text)


class RedactSecrets(logging.Filter):
    """Rewrites each record's message with secrets replaced by ``[redacted]``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class DropBoltTokenWarning(logging.Filter):
    """Bolt warns that ``token`` is unused whenever SLACK_BOT_TOKEN is set and a client is
    given, as the bot always does: true, and no use to anyone."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    handler.addFilter(DropBoltTokenWarning())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for chatty in QUIET:
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))


@contextmanager
def silenced(name: str) -> Iterator[None]:
    """No records from logger ``name`` inside the block, whose failures are reported otherwise."""
    logger = logging.getLogger(name)
    was, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = was
