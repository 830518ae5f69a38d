"""Turning botocore's errors into the bot's domain errors."""

from __future__ import annotations

import logging

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ParamValidationError,
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

log = logging.getLogger(__name__)

IAM_PREFIX = {"ssm-incidents": "ssm-incidents", "ssm-contacts": "ssm-contacts"}


def iam_action(service: str, operation: str) -> str:
    """``ssm-incidents:StartIncident`` from ``start_incident``."""
    return f"{IAM_PREFIX[service]}:{''.join(part.title() for part in operation.split('_'))}"


def domain_error(service: str, operation: str, exc: ClientError | BotoCoreError) -> DomainError:
    """What a person is told when AWS refuses (or cannot be asked): which call and what to do,
    never AWS's own message, which repeats the values sent (what someone typed, ``<!channel>``
    included) and names resources; the log keeps it."""
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
    if isinstance(exc, ParamValidationError):
        return InvalidInput(
            f"AWS would not take that ({action}): a value is not one it accepts. Check what "
            "you typed (a name, an id, a number) and try again."
        )
    if not isinstance(exc, ClientError):  # botocore's own words are for the log
        log.warning("AWS call %s failed: %s", action, exc)
        return ServiceUnavailable(
            f"AWS Incident Manager did not answer {action} as it should (the bot's log says "
            "why). Try again in a minute."
        )
    code = exc.response.get("Error", {}).get("Code", "")
    if code in ("ResourceNotFoundException",):
        return NotFound(
            f"AWS has no such {_resource(operation)} ({action}). Check the id or name and try "
            "again."
        )
    if code in ("ValidationException", "InvalidParameterException"):
        return InvalidInput(
            f"AWS refused {action}: a value is not one it accepts. Check what you typed (a "
            "name, an id, a number) and try again."
        )
    if code == "ConflictException":
        return Conflict(
            f"AWS refused {action}: it conflicts with how things are now (changed meanwhile, "
            "or there already). Look again and retry."
        )
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
        return Conflict(f"AWS refused {action}: an AWS quota was reached. Ask an AWS admin.")
    return ServiceUnavailable(f"AWS Incident Manager failed on {action} ({code or 'an error'}).")


def _resource(operation: str) -> str:
    """What an operation acts on, in words: ``get_contact`` → ``contact``."""
    words = operation.split("_")[1:]
    return " ".join(words) or "resource"


def briefly(error: DomainError) -> str:
    """Why an AWS call failed, in a few words that claim nothing about what was changed (for
    a sentence that says what exists: "saved, but I could not read it back (…)")."""
    if isinstance(error, Throttled):
        return "AWS is throttling requests"
    if isinstance(error, AccessDenied):
        return "the bot may not read it back: check its IAM policy"
    if isinstance(error, ServiceUnavailable):
        return "AWS did not answer"
    return "AWS refused the read"
