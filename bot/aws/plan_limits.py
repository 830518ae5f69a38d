"""What AWS accepts in a plan, read from botocore's ssm-contacts model (never restated here)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import botocore.session


@dataclass(frozen=True)
class PlanLimits:
    minutes: tuple[int, int]  # a stage's DurationInMinutes
    retry: tuple[int, int]  # a channel target's RetryIntervalInMinutes
    targets: int | None  # a stage's most targets (None: the model sets none)
    stages: int | None  # a plan's most stages (None: the model sets none)
    code: tuple[int, int]  # an activation code's digits


def _range(metadata: dict) -> tuple[int, int]:
    return int(metadata["min"]), int(metadata["max"])


@cache
def plan_limits() -> PlanLimits:
    model = botocore.session.get_session().get_service_model("ssm-contacts")
    stage = model.shape_for("Stage").members
    channel = model.shape_for("ChannelTargetInfo").members
    return PlanLimits(
        minutes=_range(stage["DurationInMinutes"].metadata),
        retry=_range(channel["RetryIntervalInMinutes"].metadata),
        targets=stage["Targets"].metadata.get("max"),
        stages=model.shape_for("Plan").members["Stages"].metadata.get("max"),
        code=_range(model.shape_for("ActivationCode").metadata),
    )
