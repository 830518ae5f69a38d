"""Pressing Acknowledge: who may, AcceptPage once, and one event that says it all."""

from __future__ import annotations

import pytest

from bot.errors import InvalidInput, ServiceUnavailable
from bot.escalation.events import EscalationClosed, PageAcknowledged
from bot.vocabulary import Acknowledgement
from tests.escalation.conftest import USERS, World
from tests.escalation.fakes import contact_arn, plan
from tests.escalation.test_runner import start

GROUP = "S0RESPOND"


async def alice_page(world: World) -> str:
    await start(world)
    [dm] = world.dms("alice")
    return dm.notice_id


async def test_one_acknowledgement_is_said_once_with_what_it_ended(world: World) -> None:
    both = plan("both", (5, {"alice": True, "bob": True}))
    world.people.contacts[both.arn] = both
    escalation = await start(world, both)
    [alice], [bob] = world.dms("alice"), world.dms("bob")

    done = await world.paging.acknowledging.acknowledge(alice.notice_id, USERS["alice"])

    assert done is Acknowledgement.ACCEPTED
    [said] = world.heard.of(PageAcknowledged)
    assert (said.notice.id, said.by, said.incident.title) == (
        alice.notice_id,
        USERS["alice"],
        "Checkout errors",
    )
    assert said.withdrawn is not None
    assert said.withdrawn.why == f"Acknowledged by <@{USERS['alice']}>; you need not respond."
    assert [n.id for n in said.withdrawn.notices] == [bob.notice_id]
    assert world.heard.of(EscalationClosed) == []  # the acknowledgement says it
    assert world.contacts.stopped == [e for e in world.contacts.by_token.values() if "bob" in e]
    assert said.notice.escalation_id == escalation.id


async def test_a_second_press_changes_nothing(world: World) -> None:
    notice = await alice_page(world)
    await world.paging.acknowledging.acknowledge(notice, USERS["alice"])

    again = await world.paging.acknowledging.acknowledge(notice, USERS["alice"])

    assert again is Acknowledgement.ALREADY
    assert len(world.contacts.accepted) == 1
    assert len(world.heard.of(PageAcknowledged)) == 1


async def test_someone_else_is_refused_and_nothing_changes(world: World) -> None:
    notice = await alice_page(world)

    with pytest.raises(InvalidInput, match=f"Only <@{USERS['alice']}>, who was paged"):
        await world.paging.acknowledging.acknowledge(notice, USERS["carol"])

    assert world.contacts.accepted == []
    assert world.heard.of(PageAcknowledged) == []
    assert len(await world.paging.escalations.running()) == 1


@pytest.mark.parametrize("paging_settings", [{"responder_group": GROUP}])
async def test_a_member_of_the_responder_group_may(world: World) -> None:
    world.directory.groups[GROUP] = {USERS["carol"]}
    notice = await alice_page(world)

    done = await world.paging.acknowledging.acknowledge(notice, USERS["carol"])

    assert done is Acknowledgement.ACCEPTED
    [(_, note)] = world.contacts.accepted
    assert note.endswith(f"({USERS['carol']})")


@pytest.mark.parametrize("paging_settings", [{"responder_group": GROUP}])
async def test_a_group_slack_will_not_list_refuses_and_is_logged(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.directory.hidden.add(GROUP)
    notice = await alice_page(world)

    with pytest.raises(InvalidInput, match=f"a member of <!subteam\\^{GROUP}>"):
        await world.paging.acknowledging.acknowledge(notice, USERS["carol"])

    assert f"cannot read the members of user group {GROUP}: no_such_subteam" in caplog.text
    assert world.contacts.accepted == []


async def test_aws_refusing_the_acceptance_leaves_the_page_to_acknowledge_again(
    world: World,
) -> None:
    notice = await alice_page(world)
    accept = world.contacts.accept_page

    async def unavailable(page: str, note: str) -> None:
        raise ServiceUnavailable("AWS is unavailable; try again.")

    world.contacts.accept_page = unavailable  # type: ignore[method-assign]
    with pytest.raises(ServiceUnavailable):
        await world.paging.acknowledging.acknowledge(notice, USERS["alice"])
    assert world.heard.of(PageAcknowledged) == []

    world.contacts.accept_page = accept  # type: ignore[method-assign]
    done = await world.paging.acknowledging.acknowledge(notice, USERS["alice"])
    assert done is Acknowledgement.ACCEPTED
    assert world.contacts.engaged == [contact_arn("alice")]
