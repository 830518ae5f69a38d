"""The README stays true: its IAM policy and its configuration table match the code."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.aws.errors import iam_action
from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent
CALL = re.compile(
    r"\.(?:call|pages)\(\s*(INCIDENTS|CONTACTS|\"ssm-incidents\"|\"ssm-contacts\")"
    r",\s*\"(\w+)\""
)
SERVICES = {"INCIDENTS": "ssm-incidents", "CONTACTS": "ssm-contacts"}


def actions_in_code() -> set[str]:
    found = set()
    for path in (ROOT / "bot").rglob("*.py"):
        for service, operation in CALL.findall(path.read_text()):
            found.add(iam_action(SERVICES.get(service, service.strip('"')), operation))
    return found


def test_the_iam_policy_lists_exactly_what_the_code_calls() -> None:
    readme = (ROOT / "README.md").read_text()
    policy = json.loads(readme.split("```json\n", 1)[1].split("```", 1)[0])
    granted = {action for statement in policy["Statement"] for action in statement["Action"]}
    assert actions_in_code()
    assert granted == actions_in_code()


def test_the_readme_commands_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    for script in re.findall(r"`\./(scripts/\w+)", readme):
        assert (ROOT / script).is_file(), script


def test_the_configuration_table_names_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z_]+)`", table, flags=re.MULTILINE))
    settings = {
        (field.validation_alias or name).upper() for name, field in Settings.model_fields.items()
    }
    assert settings - documented == set(), "settings missing from the README"
    read_elsewhere = {"AWS_ENDPOINT_URL_SSM_INCIDENTS"}  # read by botocore itself
    assert documented - settings <= read_elsewhere, "README rows for settings that do not exist"
