"""tests/setup.d/40-jvm.sh, run for real on a copy: it fills a part's lib/ from Maven and
prints nothing a terminal would read as control codes (Maven's jansi writes colour resets
even in batch mode unless told not to)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO, require


def test_jvm_setup_step_fills_lib_and_prints_no_control_codes(tmp_path: Path) -> None:
    require(shutil.which("mvn") is not None and shutil.which("javac") is not None,
            "mvn and javac are not installed (tests/setup.d/40-jvm.sh needs them)")
    step = tmp_path / "tests" / "setup.d" / "40-jvm.sh"
    step.parent.mkdir(parents=True)
    shutil.copy(REPO / "tests" / "setup.d" / "40-jvm.sh", step)
    for part in ("kotlinc", "kotlin", "java"):
        pom = tmp_path / "tests" / "jvm" / part / "pom.xml"
        pom.parent.mkdir(parents=True)
        shutil.copy(REPO / "tests" / "jvm" / part / "pom.xml", pom)
        if part != "java":  # marked complete: the step runs Maven once, for analytics-java
            (pom.parent / "lib").mkdir()
            (pom.parent / "lib" / ".pom.sha256").write_text(
                hashlib.sha256(pom.read_bytes()).hexdigest() + "\n", "utf-8")
    run = subprocess.run(["bash", str(step)], capture_output=True, text=True, timeout=900,
                         check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    lib = tmp_path / "tests" / "jvm" / "java" / "lib"
    assert sorted(p.name for p in lib.glob("analytics-*.jar")), sorted(p.name for p in lib.iterdir())
    output = run.stdout + run.stderr
    assert "\x1b" not in output, repr(output[:300])
    assert not list((tmp_path / "tests" / "jvm" / "kotlinc" / "lib").glob("*.jar"))  # left alone
