"""The house's import contract, read from the source (no module is imported): the domain never
imports the Slack side or boto3, Block Kit rendering is pure, handlers never reach AWS, and only
the process's edge imports slack_bolt."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DOMAIN = (
    "bot.incidents",
    "bot.escalation",
    "bot.oncall",
    "bot.contact_plans",
    "bot.people",
    "bot.permissions",
    "bot.timeline",
    "bot.recording",
    "bot.related_items",
    "bot.contacts",
    "bot.link_codes",
    "bot.email_directory",
    "bot.directory",
    "bot.vocabulary",
)
SLACK_SIDE = ("bot.slack", "bot.blocks", "bot.presenters", "slack_sdk", "slack_bolt")
AWS_SDK = ("boto3", "botocore")

# What Block Kit rendering may not import: the Web API side, the outbound and inbound wiring,
# and anything that does I/O (Slack's Block Kit models, slack_sdk.models, are what it is for).
NOT_FOR_RENDERING = (
    "bot.slack",
    "bot.presenters",
    "bot.aws",
    "bot.store",
    "bot.background",
    "bot.events",
    "bot.services",
    "bot.app",
    "handlers",
    "slack_sdk.web",
    "slack_sdk.webhook",
    "slack_sdk.socket_mode",
    "slack_sdk.errors",
    "slack_bolt",
    *AWS_SDK,
    "aiohttp",
    "sqlalchemy",
    "asyncio",
    "socket",
    "subprocess",
    "urllib.request",
    "http",
)
# The process's edge: the composition root builds the Bolt app, ``run`` starts it, and the
# logging set-up quiets one of Bolt's warnings by its text.
BOLT_EDGE = {"bot.app", "bot.server", "bot.logs"}


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    name: str  # what it imports, dotted: ``bot.slack.notify`` or ``bot.slack.notify.say``
    line: int

    def under(self, *packages: str) -> str | None:
        """The first of ``packages`` the imported name is, or is inside of."""
        return next((p for p in packages if self.name == p or self.name.startswith(f"{p}.")), None)


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def modules(*packages: str) -> Iterator[Path]:
    for package in packages:
        folder = ROOT / package
        yield from sorted(folder.rglob("*.py")) if folder.is_dir() else [folder.with_suffix(".py")]


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def imports(path: Path, module: str = "") -> list[Import]:
    """Every import in the module, wherever it stands (a function's, a TYPE_CHECKING block's),
    each ``from m import n`` as both ``m`` and ``m.n``."""
    found, module = [], module or module_name(path)
    for node in ast.walk(parsed(path)):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module, f"{module}: a relative import"
            found.append(Import(module, node.module, node.lineno))
            found += [Import(module, f"{node.module}.{a.name}", node.lineno) for a in node.names]
    return found


def domain_imports_of_the_slack_side() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in modules(*(d.replace(".", "/") for d in DOMAIN)):
        for imported in imports(path):
            if side := imported.under(*SLACK_SIDE, *AWS_SDK):
                found.setdefault(imported.module, set()).add(side)
    return found


def test_the_domain_imports_neither_the_slack_side_nor_the_aws_sdk() -> None:
    found = domain_imports_of_the_slack_side()
    assert found == {}, f"the domain imports the Slack side or the AWS SDK: {found}"


def defines_io(path: Path, name: str, seen: frozenset[Path] = frozenset()) -> bool:
    """Whether ``name`` in the module at ``path`` is a service: an async function, or a class
    with an async method (followed through a re-export)."""
    for node in parsed(path).body:
        if isinstance(node, ast.AsyncFunctionDef) and node.name == name:
            return True
        if isinstance(node, ast.ClassDef) and node.name == name:
            return any(isinstance(item, ast.AsyncFunctionDef) for item in ast.walk(node))
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
            return False
    for imported in imports(path):
        origin = source_of(imported.name.rpartition(".")[0])
        if imported.name.endswith(f".{name}") and origin and origin not in seen:
            return defines_io(origin, name, seen | {path})
    return False


def source_of(module: str) -> Path | None:
    for candidate in (
        (ROOT / module.replace(".", "/")).with_suffix(".py"),
        (ROOT / module.replace(".", "/") / "__init__.py"),
    ):
        if candidate.is_file():
            return candidate
    return None


def test_block_kit_rendering_imports_no_service_and_does_no_io() -> None:
    wrong = []
    for path in modules("bot/blocks"):
        for imported in imports(path):
            if forbidden := imported.under(*NOT_FOR_RENDERING):
                wrong.append(f"{imported.module}:{imported.line} imports {forbidden}")
            owner, _, name = imported.name.rpartition(".")
            if (origin := source_of(owner)) and imported.under("bot") and defines_io(origin, name):
                wrong.append(f"{imported.module}:{imported.line} imports the service {name}")
        for node in ast.walk(parsed(path)):
            where = f"{module_name(path)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.AsyncFunctionDef | ast.Await | ast.AsyncWith | ast.AsyncFor):
                wrong.append(f"{where} is asynchronous: rendering does no I/O")
            called = node.func if isinstance(node, ast.Call) else None
            if isinstance(called, ast.Name) and called.id in ("open", "print", "input"):
                wrong.append(f"{where} calls {node.func.id}()")
    assert wrong == []


def test_handlers_never_reach_aws_but_through_the_domain() -> None:
    wrong = [
        f"{i.module}:{i.line} imports {i.name}"
        for path in modules("handlers")
        for i in imports(path)
        if i.under("bot.aws", *AWS_SDK)
    ]
    assert wrong == []


def test_only_the_process_edge_imports_slack_bolt() -> None:
    wrong = [
        f"{i.module}:{i.line} imports {i.name}"
        for path in modules("bot")
        for i in imports(path)
        if i.under("slack_bolt") and i.module not in BOLT_EDGE
    ]
    assert wrong == []


def test_the_contract_sees_what_it_forbids(tmp_path: Path) -> None:
    """The reading itself: a function's import, a TYPE_CHECKING one and ``from m import n`` are
    all seen, and a service is told from a record."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "from bot.incidents.record import Incident\n"
        "from bot.incidents.service import IncidentService\n"
        "if TYPE_CHECKING:\n"
        "    from slack_sdk.web.async_client import AsyncWebClient\n"
        "def later() -> None:\n"
        "    import boto3\n"
    )
    probe = tmp_path / "probe.py"
    probe.write_text(source)
    read = {i.name for i in imports(probe, "bot.blocks.probe") if i.under("slack_sdk", "boto3")}
    assert read == {
        "slack_sdk.web.async_client",
        "slack_sdk.web.async_client.AsyncWebClient",
        "boto3",
    }
    assert defines_io(ROOT / "bot/incidents/service.py", "IncidentService")
    assert not defines_io(ROOT / "bot/incidents/record.py", "Incident")
