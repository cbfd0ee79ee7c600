"""The ablation patches (benchmarks/ablations) still apply to the code, and each has its row in
benchmarks/ablate.py, which times the build with one speed mechanism turned off."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PATCHES = sorted((REPO / "benchmarks" / "ablations").glob("*.patch"))


@pytest.mark.skipif(shutil.which("git") is None, reason="git applies the patches")
@pytest.mark.parametrize("patch", PATCHES, ids=lambda patch: patch.stem)
def test_ablation_patch_still_applies_to_the_code(patch):
    applied = subprocess.run(["git", "apply", "--check", str(patch)], cwd=REPO, capture_output=True, text=True)
    assert applied.returncode == 0, (f"{patch.name} no longer applies: turn the mechanism off again by hand and "
                                     f"remake the patch with git diff -U1 (benchmarks/README.md)\n{applied.stderr}")


def test_every_ablation_patch_has_its_row_in_ablate_py_and_every_row_a_patch():
    listed = subprocess.run([sys.executable, "benchmarks/ablate.py", "--list"], cwd=REPO, capture_output=True,
                            text=True)
    assert listed.returncode == 0, listed.stderr
    names = {line for line in listed.stdout.splitlines() if line and not line.startswith(" ")}
    assert names == {patch.stem for patch in PATCHES}
    assert len(PATCHES) > 20


@pytest.mark.skipif(shutil.which("git") is None, reason="git applies the patch")
def test_the_build_without_the_work_pages_can_still_be_made_for_its_benchmark():
    """benchmarks/README.md times the build against the same code without the pages that help
    volunteers find the work (the needs board, "where you could help", insights...)."""
    patch = REPO / "benchmarks" / "without-work-pages.patch"
    applied = subprocess.run(["git", "apply", "--check", str(patch)], cwd=REPO, capture_output=True, text=True)
    assert applied.returncode == 0, f"{patch.name} no longer applies: remake it with git diff -U1\n{applied.stderr}"
