"""Turning botocore's errors into the bot's domain errors."""

from __future__ import annotations

import logging

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
)

from bot.errors import (
    AccessDenied,
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
    Throttled,
)
from bot.slack.blocks import escape, truncate

log = logging.getLogger(__name__)

AWS_MESSAGE_SHOWN = 500  # characters of AWS's message shown (a validation error quotes values)

IAM_PREFIX = {"ssm-incidents": "ssm-incidents", "ssm-contacts": "ssm-contacts"}


def iam_action(service: str, operation: str) -> str:
    """``ssm-incidents:StartIncident`` from ``start_incident``."""
    return f"{IAM_PREFIX[service]}:{''.join(part.title() for part in operation.split('_'))}"


def domain_error(service: str, operation: str, exc: ClientError | BotoCoreError) -> DomainError:
    action = iam_action(service, operation)
    if isinstance(exc, EndpointConnectionError):
        return ServiceUnavailable(
            f"Could not reach AWS Incident Manager ({exc.kwargs.get('endpoint_url')}). "
            "Try again in a minute; if it persists, check the bot's network and AWS_REGION."
        )
    if isinstance(exc, NoCredentialsError):
        return AccessDenied(
            "No AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
            "AWS_PROFILE, or run the bot with an instance or task role."
        )
    if not isinstance(exc, ClientError):  # botocore's own words are for the log
        log.warning("AWS call %s failed: %s", action, exc)
        return ServiceUnavailable(
            f"AWS Incident Manager did not answer {action} as it should (the bot's log says "
            "why). Try again in a minute."
        )
    error = exc.response.get("Error", {})
    code = error.get("Code", "")
    # AWS's words, shown in Slack: a validation error quotes the value a person wrote
    message = escape(truncate(error.get("Message") or str(exc), AWS_MESSAGE_SHOWN))
    if code in ("ResourceNotFoundException",):
        return NotFound(f"{message}. Check the id or name and try again.")
    if code in ("ValidationException", "InvalidParameterException"):
        return InvalidInput(f"AWS rejected the request: {message}")
    if code == "ConflictException":
        return Conflict(f"{message}.")
    if code in ("ThrottlingException", "TooManyRequestsException"):
        return Throttled(
            "AWS Incident Manager is throttling requests right now; nothing was changed. "
            "Try again in a few seconds."
        )
    if code in ("AccessDeniedException", "AccessDenied", "UnauthorizedOperation"):
        return AccessDenied(
            f"The bot is not allowed to call {action}. Ask an AWS admin to add {action} "
            "to the bot's IAM policy (see README: IAM policy)."
        )
    if code == "ServiceQuotaExceededException":
        return Conflict(f"An AWS quota was reached: {message}")
    return ServiceUnavailable(f"AWS Incident Manager failed ({code or 'error'}): {message}")
