"""AWS's refusals as a person reads them: which call and what to do, never AWS's own message,
which repeats what was sent (issue 27: ``/incident oncall <!channel>``)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError, ParamValidationError

from bot.aws.errors import domain_error
from bot.errors import Conflict, InvalidInput, NotFound, ServiceUnavailable, Throttled
from tests.support import Stack, eventually, replies

TYPED = "<!channel> <@U123> <https://evil.example|x>"


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("ValidationException", InvalidInput),
        ("ResourceNotFoundException", NotFound),
        ("ConflictException", Conflict),
        ("ThrottlingException", Throttled),
        ("ServiceQuotaExceededException", Conflict),
        ("InternalServerException", ServiceUnavailable),
    ],
)
def test_no_refusal_repeats_what_aws_was_sent(code: str, kind: type) -> None:
    refused = ClientError(
        {"Error": {"Code": code, "Message": f"Value '{TYPED}' at 'alias' failed"}}, "GetContact"
    )
    error = domain_error("ssm-contacts", "get_contact", refused)
    assert isinstance(error, kind)
    assert "<" not in error.message and "channel" not in error.message, error.message
    if kind in (InvalidInput, NotFound, Conflict):
        assert "ssm-contacts:GetContact" in error.message


def test_a_value_botocore_refuses_is_not_repeated_either() -> None:
    refused = ParamValidationError(report=f"Invalid length for parameter Alias, value: {TYPED}")
    error = domain_error("ssm-contacts", "list_contacts", refused)
    assert isinstance(error, InvalidInput)
    assert TYPED not in error.message and "Check what you typed" in error.message


@pytest.mark.parametrize("text", ["oncall <!channel>", "whois <!here>", "plan <!everyone> edit"])
async def test_a_name_no_contact_can_have_is_no_such_contact_without_asking_aws(
    stack: Stack, text: str
) -> None:
    sent: list[str] = []
    call = stack.emulator.emulator.call
    stack.emulator.emulator.call = lambda service, operation, params: (  # type: ignore[method-assign]
        sent.append(str(params)) or call(service, operation, params)
    )
    user = stack.slack.add_user("dana")
    channel = stack.slack.add_channel("ops", members=[user])
    await stack.sender.slash_command("/incident", text, user, channel)
    said = await eventually(
        lambda: [
            r
            for r in replies(stack, user) + [str(v) for v in stack.slack.views_opened()]
            if "No Incident Manager contact has the alias" in r
        ]
    )
    assert "&lt;!" in said[0] and "<!" not in said[0].replace("<!subteam", "")
    assert not [params for params in sent if "<!" in params]  # AWS was not asked about it
