"""PLAN_EDITORS=members: a plan's own people may edit it too; anyone else is still refused."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contact_plans.test_escalation import ADMINS, MODAL, filled, stages_in_aws, texts
from tests.support import Stack, eventually, new_modal


@pytest.fixture
def bot_settings() -> dict[str, Any]:
    return {"time_scale": 0.05, "admin_group": ADMINS, "plan_editors": "members"}


async def test_a_member_of_the_plan_may_edit_it_and_an_outsider_may_not(stack: Stack) -> None:
    bob = stack.slack.add_user("bob", email="bob@example.com")
    mallory = stack.slack.add_user("mallory")
    stack.slack.usergroups[ADMINS] = []
    ops = stack.slack.add_channel("ops", members=[bob, mallory])
    await stack.services.people.link(bob, "bob", admin="a test")

    await stack.sender.slash_command("/incident", "plan oncall-escalation edit", mallory, ops)
    refusal = "So may the people in the plan (linked to Slack)."
    await eventually(lambda: [v for v in stack.slack.views_opened() if refusal in texts(v)])
    assert stack.slack.modals(MODAL) == []

    view = await new_modal(
        stack.slack,
        MODAL,
        lambda: stack.sender.slash_command("/incident", "plan oncall-escalation edit", bob, ops),
    )
    await stack.sender.view_submission(bob, view["id"], filled(view, ["5", "20"], [[0], [0, 1]]))
    await eventually(lambda: stages_in_aws(stack)[1]["DurationInMinutes"] == 20)
    assert all(t["ContactTargetInfo"]["IsEssential"] for t in stages_in_aws(stack)[1]["Targets"])
