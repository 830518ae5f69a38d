"""A declaration's steps on fakes of AWS and Slack: each done once, in the table's order; a crash
inside a step finished by the next run without doing it twice; refusals for good reported and
left, refusals for now retried; StartIncident refused leaves nothing."""

from __future__ import annotations

import pytest

from bot.errors import AccessDenied, SlackRefused, Throttled
from bot.incidents.declaration_record import Declaration, DeclarationStep
from bot.incidents.events import (
    CardChanged,
    DeclarationFinished,
    DeclarationRefused,
    RelatedItemLinked,
)
from bot.incidents.outcome import Outcome
from bot.vocabulary import StepState
from tests.incidents.conftest import ANNOUNCE, World
from tests.incidents.fakes import PLAN_ARN, Crash

DONE, PENDING, FAILED, SKIPPED = (
    StepState.DONE,
    StepState.PENDING,
    StepState.FAILED,
    StepState.SKIPPED,
)
FORM = Declaration(
    title="Checkout errors",
    impact=2,
    plan_arn=PLAN_ARN,
    summary="Card payments fail",
    create_channel=True,
    declarer="UDANA",
    client_token="declare-view-1",
)
EVERY_STEP = [step.value for step in DeclarationStep]


def states(outcome: Outcome | None) -> dict[str, str]:
    assert outcome is not None
    return {step: state for step, (state, _) in outcome.steps.items()}


def the_incident(world: World) -> str:
    [arn] = world.aws.records
    return arn


async def declared(world: World, form: Declaration = FORM) -> Outcome:
    outcome = await world.declarations.declare(form, "COPS")
    assert outcome is not None
    return outcome


async def test_each_step_is_done_once_in_the_tables_order(world: World) -> None:
    outcome = await declared(world)

    assert list(outcome.steps) == EVERY_STEP
    assert set(states(outcome).values()) == {DONE} and outcome.settled
    assert outcome.done_now == EVERY_STEP
    arn = the_incident(world)
    [channel] = world.slack.channels
    assert outcome.channel_id == channel and outcome.incident_id == arn.rsplit("/", 1)[-1]
    assert world.aws.records[arn].summary == "Card payments fail"
    assert world.slack.members[channel] == {"UBOT", "UDANA"}
    assert world.slack.pins[channel] == [world.slack.cards[channel, arn]]
    assert [item.value for item in world.aws.related[arn]] == [
        f"https://slack.com/app_redirect?channel={channel}"
    ]
    assert world.aws.notes[arn] == ["Declared in Slack by Dana"]
    announcement = world.slack.announcements[ANNOUNCE, arn]
    assert (announcement.declarer, announcement.channel_id) == ("UDANA", channel)
    assert announcement.started_outside is None
    for method in ("create", "invite", "post_card", "pin", "link", "announce"):
        assert world.slack.asked[method] == 1, method
    assert world.slack.asked["made_before"] == world.slack.asked["card_posted"] == 0
    assert world.aws.calls["StartIncident"] == 1
    # the sync heard the channel linked; the card was shown again with its related item
    assert world.said(RelatedItemLinked) == [RelatedItemLinked(arn, world.aws.related[arn][0])]
    assert world.said(CardChanged)[-1].card.related_items == 1


async def test_a_form_without_a_channel_or_summary_has_only_its_steps(world: World) -> None:
    form = Declaration("No room", 4, PLAN_ARN, "", False, "UDANA", "declare-view-2")
    outcome = await declared(world, form)

    assert list(outcome.steps) == ["start", "note", "announce"]
    assert outcome.channel_id is None and world.slack.channels == {}
    assert world.slack.announcements[ANNOUNCE, the_incident(world)].channel_id is None


async def crashed_and_swept(world: World, step: str) -> DeclarationFinished:
    """A declaration the bot dies in (a fault set to crash it), then the sweep after a restart:
    what the sweep said, once, having finished it from ``step`` on."""
    with pytest.raises(Crash):
        await world.declarations.declare(FORM, "COPS")
    await world.declarations.finish_pending()
    [finished] = world.said(DeclarationFinished)
    assert finished.outcome.done_now[0] == step and finished.outcome.settled
    return finished


@pytest.mark.parametrize(
    ("method", "step"),
    [
        ("create", "channel"),
        ("invite", "invite"),
        ("post_card", "card"),
        ("pin", "pin"),
        ("announce", "announce"),
    ],
)
async def test_a_crash_inside_a_slack_step_is_finished_by_the_next_run_once(
    world: World, method: str, step: str
) -> None:
    world.slack.faults.crash_after.add(method)  # Slack did it; the bot died before it heard
    finished = await crashed_and_swept(world, step)

    assert (finished.declarer, finished.origin) == ("UDANA", "COPS")
    assert set(states(finished.outcome).values()) == {DONE}
    arn = the_incident(world)
    [channel] = world.slack.channels  # one channel, one card, one pin, one announcement
    assert len(world.slack.cards) == 1 and world.slack.pins[channel] == [
        world.slack.cards[channel, arn]
    ]
    assert list(world.slack.announcements) == [(ANNOUNCE, arn)]
    assert world.slack.asked["create"] == 1 and world.slack.asked["announce"] == 1
    assert world.slack.asked["post_card"] == 1
    await world.declarations.finish_pending()  # settled: nothing more is done or said
    assert len(world.said(DeclarationFinished)) == 1


@pytest.mark.parametrize(
    ("operation", "step"),
    [
        ("StartIncident", "start"),
        ("UpdateIncidentRecord", "summary"),
        ("UpdateRelatedItems", "related"),
        ("CreateTimelineEvent", "note"),
    ],
)
async def test_a_crash_inside_an_aws_step_is_finished_with_the_same_client_token(
    world: World, operation: str, step: str
) -> None:
    world.aws.faults.crash_after.add(operation)  # AWS did it; the bot died before it heard
    await crashed_and_swept(world, step)

    arn = the_incident(world)  # one incident, one related item, one note
    assert len(world.aws.related[arn]) == 1 and world.aws.notes[arn] == [
        "Declared in Slack by Dana"
    ]
    assert world.aws.calls[operation] == 2  # asked again, answered as the first time


async def test_a_step_refused_for_good_is_reported_and_not_retried(world: World) -> None:
    refused = SlackRefused("missing_scope", True, "Slack said missing_scope")
    world.slack.faults.refuse("pin", refused)
    outcome = await declared(world)

    assert outcome.steps["pin"] == (FAILED, "Slack said missing_scope")
    assert outcome.settled and states(outcome)["announce"] == DONE
    await world.declarations.finish_pending()
    assert world.slack.asked["pin"] == 1 and world.said(DeclarationFinished) == []


async def test_a_channel_refused_for_good_skips_what_needs_it(world: World) -> None:
    world.slack.faults.refuse(
        "create", SlackRefused("restricted_action", True, "Slack said restricted_action")
    )
    outcome = await declared(world)

    assert outcome.steps["channel"] == (FAILED, "Slack said restricted_action")
    for step in ("invite", "card", "pin", "related"):
        assert outcome.steps[step] == (SKIPPED, None), step
    assert states(outcome)["note"] == states(outcome)["announce"] == DONE
    assert outcome.settled and outcome.channel_id is None
    assert world.slack.asked["post_card"] == world.slack.asked["invite"] == 0


async def test_a_step_refused_for_now_waits_and_the_sweep_finishes_it(world: World) -> None:
    world.slack.faults.refuse(
        "create", SlackRefused("ratelimited", False, "Slack said ratelimited"), times=1
    )
    outcome = await declared(world)

    assert outcome.steps["channel"] == (PENDING, "Slack said ratelimited")
    for step in ("invite", "card", "pin", "related"):  # waiting for the channel
        assert outcome.steps[step] == (PENDING, None), step
    assert not outcome.settled and states(outcome)["announce"] == DONE

    await world.declarations.finish_pending()
    [finished] = world.said(DeclarationFinished)
    assert finished.outcome.done_now == ["channel", "invite", "card", "pin", "related"]
    assert finished.outcome.settled and len(world.slack.channels) == 1


async def test_a_card_not_posted_yet_keeps_its_pin_waiting(world: World) -> None:
    world.slack.faults.refuse(
        "post_card", SlackRefused("ratelimited", False, "Slack said ratelimited"), times=1
    )
    outcome = await declared(world)

    assert outcome.steps["card"] == (PENDING, "Slack said ratelimited")
    assert outcome.steps["pin"] == (PENDING, None) and world.slack.asked["pin"] == 0
    await world.declarations.finish_pending()
    [channel] = world.slack.channels
    assert len(world.slack.pins[channel]) == 1


async def test_an_already_so_answer_means_the_step_is_done(world: World) -> None:
    world.slack.faults.crash_after.add("invite")
    with pytest.raises(Crash):
        await world.declarations.declare(FORM, "COPS")

    await world.declarations.finish_pending()  # invited again: Slack says already_in_channel

    [finished] = world.said(DeclarationFinished)
    assert finished.outcome.steps["invite"] == (DONE, None)
    assert world.slack.asked["invite"] == 2


async def test_an_unexpected_failure_stays_pending_and_is_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.slack.faults.refuse("link", KeyError("channel"), times=1)
    outcome = await declared(world)

    assert outcome.steps["related"] == (PENDING, "an unexpected error, in the bot's log")
    assert "KeyError: 'channel'" in caplog.text  # the text is for the log, not people


async def test_start_incident_refused_forgets_the_declaration(world: World) -> None:
    world.aws.faults.refuse(
        "StartIncident", AccessDenied("The bot is not allowed to call ssm-incidents:StartIncident")
    )
    with pytest.raises(AccessDenied):
        await world.declarations.declare(FORM, "COPS")

    assert await world.records.unsettled() == []
    assert world.aws.records == {} and sum(world.slack.asked.values()) == 0
    await world.declarations.finish_pending()
    assert world.said(DeclarationRefused) == [] and world.aws.calls["StartIncident"] == 1


async def test_start_unanswered_after_a_crash_is_asked_again_until_aws_answers(
    world: World,
) -> None:
    world.aws.faults.crash_after.add("StartIncident")
    with pytest.raises(Crash):
        await world.declarations.declare(FORM, "COPS")
    world.aws.faults.refuse("StartIncident", Throttled("AWS is throttling"), times=1)

    await world.declarations.finish_pending()  # AWS did not answer: kept for the next sweep
    assert await world.records.unsettled() == [FORM.client_token]
    assert world.said(DeclarationFinished) == []

    await world.declarations.finish_pending()
    [finished] = world.said(DeclarationFinished)
    assert finished.outcome.done_now[0] == "start" and len(world.aws.records) == 1


async def test_start_refused_for_good_after_a_crash_tells_the_declarer(world: World) -> None:
    world.aws.faults.crash_after.add("StartIncident")
    with pytest.raises(Crash):
        await world.declarations.declare(FORM, "COPS")
    world.aws.faults.refuse("StartIncident", AccessDenied("not allowed: StartIncident"))

    await world.declarations.finish_pending()

    [refused] = world.said(DeclarationRefused)
    assert refused == DeclarationRefused(
        "UDANA", "COPS", "The incident was not declared: not allowed: StartIncident"
    )
    assert await world.records.unsettled() == []


async def test_a_declaration_another_worker_runs_is_left_to_it(world: World) -> None:
    await world.records.record(FORM, "COPS", [DeclarationStep.START])
    assert await world.records.lease(FORM.client_token)  # another worker holds it

    assert await world.declarations.declare(FORM, "COPS") is None
    assert world.aws.calls["StartIncident"] == 0


async def test_an_incident_started_in_aws_is_adopted_once(world: World) -> None:
    incident = world.aws.started("Checkout 5xx above 5%")

    outcome = await world.declarations.adopt(incident)
    assert outcome is not None and outcome.settled
    assert list(outcome.steps) == ["start", "channel", "card", "pin", "related", "announce"]
    assert outcome.done_now == ["channel", "card", "pin", "related", "announce"]
    announcement = world.slack.announcements[ANNOUNCE, incident.arn]
    assert announcement.declarer == "" and announcement.started_outside == incident
    assert world.aws.notes[incident.arn] == []  # nobody declared it in Slack

    assert await world.declarations.adopt(incident) is None  # claimed already
    assert len(world.slack.channels) == 1
