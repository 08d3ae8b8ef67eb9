"""Running the command line with standard error on a pseudo-terminal (progress lines)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import REPO


def run_with_stderr_on_a_terminal(args: list[str], env: dict[str, str], *,
                                  stdin: Path | None = None) -> tuple[int, str, str]:
    """Run ``protocols ARGS`` with stderr on a terminal (and ``stdin`` on standard input):
    (exit code, stdout, what the terminal showed)."""
    leader, follower = pty.openpty()
    # stdout to a file, not a pipe: a large report would fill a pipe nobody reads yet.
    with tempfile.TemporaryFile() as out, \
            (stdin.open("rb") if stdin is not None else open(os.devnull, "rb")) as given:
        process = subprocess.Popen([sys.executable, "-c",
                                    "from protocols.cli import main; main()", *args],
                                   stdout=out, stderr=follower, stdin=given,
                                   env=env, cwd=REPO)
        os.close(follower)
        seen = b""
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            elif process.poll() is not None:
                break
        process.wait(timeout=60)
        os.close(leader)
        out.seek(0)
        stdout = out.read()
    return process.returncode, stdout.decode(), seen.decode(errors="replace")
