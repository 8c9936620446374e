"""The Yocto layer passes the oelint-adv recipe linter.

A bitbake build of an image does not fit CI machines, so the layer's
recipes are checked by the linter only. The HOMEPAGE reachability rule is
suppressed because it sends requests to the recipes' web sites.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
LAYER = REPO_ROOT / "packaging" / "yocto" / "meta-headunit"
OELINT = shutil.which("oelint-adv", path=str(Path(sys.executable).parent))

pytestmark = pytest.mark.skipif(OELINT is None, reason="oelint-adv not installed (pip)")


def lint(*files: Path) -> subprocess.CompletedProcess[str]:
    assert OELINT is not None
    return subprocess.run(
        [OELINT, "--quiet", "--mode", "all", "--release", "scarthgap",
         "--suppress", "oelint.vars.homepageping", *map(str, files)],
        capture_output=True, text=True, timeout=120,
    )


def layer_files() -> list[Path]:
    return sorted([*LAYER.rglob("*.bb"), *LAYER.rglob("*.bbappend"), LAYER / "conf" / "layer.conf"])


def test_layer_lints_clean() -> None:
    result = lint(*layer_files())
    findings = result.stdout + result.stderr
    assert result.returncode == 0, findings
    assert findings.strip() == ""


def test_app_recipe_names_its_parts() -> None:
    recipe = (LAYER / "recipes-apps" / "headunit" / "headunit_0.1.0.bb").read_text()
    assert "inherit python_setuptools_build_meta systemd useradd" in recipe
    for package in ("python3-pyside6", "python3-can", "python3-cantools",
                    "python3-sqlite-utils", "ttf-wqy-zenhei"):
        assert package in recipe
    layer_conf = (LAYER / "conf" / "layer.conf").read_text()
    assert "meta-python" in layer_conf
    assert "qt6-layer" in layer_conf


def test_broken_recipe_is_reported(tmp_path: Path) -> None:
    source = LAYER / "recipes-devtools" / "python" / "python3-sqlite-fts4_1.0.3.bb"
    broken = tmp_path / source.name
    broken.write_text(
        "\n".join(line for line in source.read_text().splitlines()
                  if not line.startswith("LICENSE")) + "\n"
    )
    result = lint(broken)
    assert result.returncode != 0
    assert "oelint.var.mandatoryvar.LICENSE" in result.stdout + result.stderr
