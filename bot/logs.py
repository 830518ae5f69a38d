"""Logging set-up, with Slack and AWS secrets redacted from every record."""

from __future__ import annotations

import logging
import re

SECRET = re.compile(
    r"(xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+"
    r"|(?i:aws_secret_access_key|signing_secret|secret|token)\s*[=:]\s*['\"]?[^\s'\",&]+)"
)


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


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for chatty in ("alembic", "apscheduler", "botocore", "aiohttp.access"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
