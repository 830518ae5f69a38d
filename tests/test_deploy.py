"""The deployment files, checked offline: the Dockerfile is linted (.ci/image builds and runs
it), and compose.yaml and the Kubernetes manifests, which nothing here can run, are validated."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from string import Template
from typing import Any

import kubernetes_validate
import pytest
import yaml

from bot import __version__
from bot.config import Settings

ROOT = Path(__file__).resolve().parent.parent
HADOLINT = Path(sys.executable).parent / "hadolint"
KUBERNETES_VERSION = "1.30.0"  # the oldest minor version still supported by the clouds' services


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    joined = dockerfile.replace("\\\n", " ")
    pairs = []
    for line in joined.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            keyword, _, rest = line.strip().partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def hadolint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HADOLINT), "--no-color", str(path)], capture_output=True, text=True, timeout=60
    )


def test_the_dockerfile_passes_hadolint() -> None:
    result = hadolint(ROOT / "Dockerfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_finds_what_it_should(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get install curl\n")
    assert "DL3007" in hadolint(bad).stdout


def test_the_image_is_multi_stage_slim_unprivileged_and_checks_its_health() -> None:
    steps = instructions((ROOT / "Dockerfile").read_text())
    defaults = dict(args.split("=", 1) for keyword, args in steps if keyword == "ARG")
    bases = [Template(args).substitute(defaults) for keyword, args in steps if keyword == "FROM"]
    assert len(bases) == 2 and all(re.match(r"python:3\.\d+\.\d+-slim", base) for base in bases)
    final = steps[max(i for i, (keyword, _) in enumerate(steps) if keyword == "FROM") :]
    assert any(k == "COPY" and args.startswith("--from=build ") for k, args in final)
    user = [args for keyword, args in final if keyword == "USER"][-1]
    assert user.split(":")[0] not in ("root", "0")
    [healthcheck] = [args for keyword, args in final if keyword == "HEALTHCHECK"]
    assert "/healthz" in healthcheck
    [entrypoint] = [args for keyword, args in final if keyword == "ENTRYPOINT"]
    assert json.loads(entrypoint) == ["incident-bot"]
    [port] = [args for keyword, args in final if keyword == "EXPOSE"]
    assert int(port) == Settings.model_fields["port"].default


def kubernetes_documents() -> list[dict[str, Any]]:
    return [
        document
        for path in sorted((ROOT / "deploy" / "kubernetes").glob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
        if document
    ]


@pytest.mark.parametrize("document", kubernetes_documents(), ids=lambda d: d["kind"])
def test_each_kubernetes_manifest_is_valid(document: dict[str, Any]) -> None:
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_kubernetes_validation_rejects_a_misspelt_field() -> None:
    deployment = next(d for d in kubernetes_documents() if d["kind"] == "Deployment")
    deployment = {**deployment, "spec": {**deployment["spec"], "replica": 2}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_the_deployment_runs_two_probed_replicas_on_postgresql_with_secrets() -> None:
    by_kind = {document["kind"]: document for document in kubernetes_documents()}
    deployment = by_kind["Deployment"]
    assert deployment["spec"]["replicas"] == 2
    pod = deployment["spec"]["template"]
    [container] = pod["spec"]["containers"]
    port = next(p for p in container["ports"] if p["name"] == "http")["containerPort"]
    assert port == Settings.model_fields["port"].default
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/healthz", "port": "http"}
    secrets = {
        variable["name"]: variable["valueFrom"]["secretKeyRef"]
        for variable in container["env"]
        if "secretKeyRef" in variable.get("valueFrom", {})
    }
    assert {"SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DATABASE_URL"} <= set(secrets)
    assert not secrets["SLACK_BOT_TOKEN"].get("optional", False)
    names = {variable["name"] for variable in container["env"]}
    settings = {name.upper() for name in Settings.model_fields}
    assert names <= settings, f"not settings: {names - settings}"
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    budget = by_kind["PodDisruptionBudget"]
    assert budget["spec"]["minAvailable"] == 1
    assert budget["spec"]["selector"] == deployment["spec"]["selector"]
    assert pod["spec"]["serviceAccountName"] == by_kind["ServiceAccount"]["metadata"]["name"]


def test_compose_runs_postgresql_two_replicas_and_the_emulator_under_a_profile() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    bot = services["bot"]
    assert bot["deploy"]["replicas"] == 2
    assert bot["build"] == "."
    assert "profiles" not in bot
    database_url = bot["environment"]["DATABASE_URL"]
    assert database_url.startswith("postgresql://")
    assert database_url.split("@")[1].split(":")[0] in services
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "healthcheck" in services["postgres"]
    emulator = services["emulator"]
    assert emulator["profiles"] == ["local"]
    command = emulator["command"]
    assert command[0] == "emulator" and "--seed" in command
    seed = next(v for v in emulator["volumes"] if v.endswith(":/seed.yml:ro"))
    assert (ROOT / seed.split(":")[0]).is_file()
    assert shlex.join(command)  # a list, as the image's ENTRYPOINT takes it


def test_the_images_are_tagged_with_the_package_version() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    deployment = next(d for d in kubernetes_documents() if d["kind"] == "Deployment")
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    images = {compose["services"][name]["image"] for name in ("bot", "emulator")}
    assert images | {container["image"]} == {f"incident-bot:{__version__}"}
