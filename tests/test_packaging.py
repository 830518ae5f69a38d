"""What a package index user gets: the licence, the metadata, the manifest, every setting."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile
from email.parser import Parser
from pathlib import Path

from bot import __version__
from bot.config import Settings
from bot.manifest import app_manifest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]


def test_the_licence_is_the_text_pyproject_names() -> None:
    assert PROJECT["license"] == "Apache-2.0"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_the_newest_changelog_version_is_the_package_version() -> None:
    versions = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert versions and versions[0] == __version__


def test_the_metadata_is_complete() -> None:
    assert {"Homepage", "Source", "Changelog", "Issues"} <= set(PROJECT["urls"])
    assert len(PROJECT["keywords"]) >= 5
    minimum = PROJECT["requires-python"].removeprefix(">=")
    assert f"Programming Language :: Python :: {minimum}" in PROJECT["classifiers"]
    assert not any(c.startswith("License ::") for c in PROJECT["classifiers"])  # SPDX instead


def test_the_lint_tool_is_pinned() -> None:
    extra = PROJECT["optional-dependencies"]["test"]
    assert any(re.fullmatch(r"ruff==[\d.]+", requirement) for requirement in extra)


def test_env_example_lists_every_setting() -> None:
    listed = set(re.findall(r"^#? ?([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    for name, field in Settings.model_fields.items():
        variable = str(field.validation_alias or name).upper()
        assert variable in listed, f".env.example lacks {variable}"


def test_the_wheel_ships_the_manifest_licence_and_spdx_metadata(tmp_path: Path) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path), "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    assert "deprecated" not in built.stderr.lower()
    [wheel] = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert archive.read("bot/manifest.yml").decode() == app_manifest()
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        fields = Parser().parsestr(archive.read(metadata).decode())
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert fields["License-Expression"] == "Apache-2.0"
    assert fields["Version"] == __version__
