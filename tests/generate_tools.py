"""Helpers for the generate tests: the type checkers, a capturing Segment server, the oracle."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

from protocols.generate import GenerateOptions, generate, write_files
from protocols.plan import Plan, load_plan
from tests.conftest import REPO, node_tool
from tests.local_http import local_http

NODE_MODULES = REPO / "tests" / "node" / "node_modules"


def write_client(plan: Plan | str | Path, out: Path, **options: Any) -> dict[str, str]:
    """Generate into ``out``; returns the files."""
    loaded = plan if isinstance(plan, Plan) else load_plan(plan)
    files = generate(loaded, GenerateOptions(**options))
    write_files(files, out)
    return files


def run_mypy(folder: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    """``mypy --strict`` on files in ``folder`` (a config of its own, none of the repo's)."""
    (folder / "mypy.ini").write_text("[mypy]\nstrict = True\n", "utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", "mypy.ini", "--cache-dir",
         str(folder / ".mypy_cache"), "--no-error-summary", "--show-error-codes", *targets],
        cwd=folder, capture_output=True, text=True, check=False)


def run_tsc(folder: Path, files: list[str], *, out_dir: str | None = None
            ) -> subprocess.CompletedProcess[str]:
    """``tsc --strict`` on ``files`` in ``folder`` against tests/node's packages.

    ``--noEmit`` unless ``out_dir`` is given (CommonJS JavaScript for node).
    """
    tsc = node_tool("tsc")
    config = {
        "compilerOptions": {
            "strict": True, "target": "es2020", "module": "commonjs",
            "moduleResolution": "node", "skipLibCheck": True, "esModuleInterop": True,
            "baseUrl": str(NODE_MODULES), "typeRoots": [str(NODE_MODULES / "@types")],
            "types": ["node"], "noEmit": out_dir is None,
            **({"outDir": out_dir} if out_dir else {}),
        },
        "files": files,
    }
    (folder / "tsconfig.json").write_text(json.dumps(config, indent=2), "utf-8")
    return subprocess.run([str(tsc), "-p", "tsconfig.json"], cwd=folder, capture_output=True,
                          text=True, check=False)


def run_node(folder: Path, script: str, *, env: Mapping[str, str] | None = None,
             timeout: float = 60) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node is not None, "node is needed to run the generated TypeScript"
    return subprocess.run([node, script], cwd=folder, capture_output=True, text=True,
                          env={**os.environ, "NODE_PATH": str(NODE_MODULES), **(env or {})},
                          timeout=timeout, check=False)


def message_violations(plan: Plan, message: Mapping[str, Any]) -> list[str]:
    """The oracle: every finding `protocols validate` has about one captured message.

    The one place the end-to-end tests ask "does this message fit the plan?"; it is the same
    ``protocols.Validator`` the validate command runs, warnings included.
    """
    from protocols.validate.check.checker import Validator

    return [f"{d.code} {d.name} at {d.path}: {d.message}"
            for d in Validator(plan).validate(message)]


def validate_log(plan_path: Path, messages: list[dict[str, Any]], log: Path) -> Any:
    """Run the real `protocols validate` command over the messages written as an NDJSON log."""
    import json

    from typer.testing import CliRunner

    from protocols.cli import app

    log.write_text("".join(json.dumps(m) + "\n" for m in messages), "utf-8")
    return CliRunner().invoke(app, ["validate", "--plan", str(plan_path), str(log),
                                    "--fail-on", "warning", "--format", "json"])


class CapturedBatches:
    def __init__(self) -> None:
        self.batches: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    @property
    def messages(self) -> list[dict[str, Any]]:
        with self.lock:
            return [m for batch in self.batches for m in batch.get("batch", [])]


@contextmanager
def segment_server() -> Iterator[tuple[str, CapturedBatches]]:
    """A Segment-like collector on 127.0.0.1 (random port) that records every batch."""
    captured = CapturedBatches()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            with captured.lock:
                captured.batches.append(json.loads(body))
            reply = b'{"success": true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            return

    with local_http(Handler) as url:
        yield url, captured


# -- the Go tool chain (tests/setup.d/50-go.sh) -------------------------------------------

GO_MODULE = REPO / "tests" / "go"


def go_available() -> bool:
    """Whether the Go tool chain and the modules tests/setup.d/50-go.sh downloads are here."""
    go = shutil.which("go")
    if go is None:
        return False
    listed = subprocess.run([go, "list", "-m", "github.com/segmentio/analytics-go/v3"],
                            cwd=GO_MODULE, capture_output=True, text=True, check=False,
                            env=_go_env())
    return listed.returncode == 0


def _go_env() -> dict[str, str]:
    # Offline: every module comes from the cache tests/setup.d/50-go.sh filled.
    return {**os.environ, "GOFLAGS": "-mod=mod", "GOPROXY": "off", "GOTOOLCHAIN": "local"}


def go_module(folder: Path) -> Path:
    """Make ``folder`` a Go module (tests/go's go.mod and go.sum) the tests can build in."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("go.mod", "go.sum"):
        shutil.copyfile(GO_MODULE / name, folder / name)
    return folder


def run_go(folder: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """A ``go`` command in ``folder`` (a module made by :func:`go_module`), offline."""
    go = shutil.which("go")
    assert go is not None, "go is needed to build the generated Go code"
    return subprocess.run([go, *args], cwd=folder, capture_output=True, text=True,
                          env=_go_env(), timeout=timeout, check=False)


def run_gofmt(folder: Path) -> subprocess.CompletedProcess[str]:
    """``gofmt -l`` over ``folder``: it lists every file gofmt would change."""
    gofmt = shutil.which("gofmt")
    assert gofmt is not None, "gofmt comes with go"
    return subprocess.run([gofmt, "-l", "."], cwd=folder, capture_output=True, text=True,
                          check=False)


# -- the JVM tool chain (tests/setup.d/40-jvm.sh) ------------------------------------------

JVM = REPO / "tests" / "jvm"


def jvm_classpath(part: str) -> str:
    """The jars tests/setup.d/40-jvm.sh copied for ``part`` (kotlinc, kotlin or java)."""
    return os.pathsep.join(str(p) for p in sorted((JVM / part / "lib").glob("*.jar")))


def jvm_missing(part: str) -> str | None:
    """Why the JVM tests for ``part`` cannot run here, or None when they can."""
    if shutil.which("java") is None or shutil.which("javac") is None:
        return "a JDK (java, javac) is not installed"
    if not jvm_classpath(part) or (part == "kotlin" and not jvm_classpath("kotlinc")):
        return f"tests/jvm/{part}/lib is empty: run `bash tests/setup.d/40-jvm.sh`"
    return None


def run_kotlinc(folder: Path, sources: list[str], *, out_dir: str = "classes",
                timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """kotlinc (from Maven Central) on ``sources`` against analytics-kotlin, warnings as errors."""
    command = ["java", "-XX:TieredStopAtLevel=1", "-Xss8m", "-cp", jvm_classpath("kotlinc"),
               "org.jetbrains.kotlin.cli.jvm.K2JVMCompiler", "-no-stdlib", "-no-reflect",
               "-Werror", "-jvm-target", "17", "-cp", jvm_classpath("kotlin"), "-d", out_dir,
               *sources]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=timeout,
                          check=False)


def run_javac(folder: Path, sources: list[str], *, out_dir: str = "classes",
              timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """javac --release 17 -Xlint:all -Werror on ``sources`` against analytics-java, with
    javadoc's checks too (-Xdoclint, but for missing comments and tags): generated Javadoc must
    not fail a user's javadoc build."""
    command = ["javac", "--release", "17", "-Xlint:all", "-Xdoclint:all,-missing", "-Werror",
               "-encoding", "UTF-8",
               "-Xmaxerrs", "1000", "-cp", jvm_classpath("java"), "-d", out_dir, *sources]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=timeout,
                          check=False)


def run_java(folder: Path, part: str, main: str, *, classes: str = "classes",
             env: Mapping[str, str] | None = None, args: list[str] | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``main`` with the compiled classes and the SDK of ``part`` (kotlin or java)."""
    classpath = os.pathsep.join([classes, jvm_classpath(part)])
    return subprocess.run(["java", "-XX:TieredStopAtLevel=1", "-cp", classpath, main,
                           *(args or [])], cwd=folder,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, check=False)
