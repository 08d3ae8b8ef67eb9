"""Security: a plan never makes protocols reach the network or files outside its own tree.

The attacks of issue 11, through the real command line: ``$ref`` to a URL or a ``file:``
document (fetched by jsonschema's defaults), ``imports:`` of ``/etc/passwd`` (whose content
was printed), of ``/dev/zero`` (read until memory ran out), or through a link leading out of
the repository, and a hostile configuration file naming paths outside the project.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
import referencing.exceptions
from typer.testing import CliRunner

from protocols.cli import app
from protocols.validate.check.engine import compile_validator, reference_validator
from tests.local_http import local_http

PROTOCOLS = [sys.executable, "-c", "from protocols.cli import main; main()"]
SECRET = "SECRET-7f3a9c"  # the content of files outside the tree: must never be printed


@pytest.fixture
def server() -> Iterator[tuple[str, list[str]]]:
    """An HTTP server on 127.0.0.1 that records every request it gets (there must be none)."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = json.dumps({"const": SECRET}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    with local_http(Handler) as url:
        yield url, requests


@pytest.fixture
def no_sockets(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Any outgoing connection attempt is recorded and refused."""
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        if isinstance(address, tuple) and address[0] == "127.0.0.1":
            return real_connect(self, address)  # reaches the recording server
        raise OSError("network access in a test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository (``repo/`` with ``.git``) beside a folder it must never read."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "plans").mkdir()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"protocols: 1\nlibrary: {SECRET}\n", "utf-8")
    (outside / "secret.json").write_text(json.dumps({"const": SECRET}), "utf-8")
    monkeypatch.chdir(repo)
    return repo


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def plan_with(project: Path, body: str) -> str:
    path = project / "plans" / "shop.yaml"
    path.write_text('protocols: 1\nplan: shop\nversion: "1.0.0"\n' + body, "utf-8")
    return "plans/shop.yaml"


EVENT = "events:\n  Order Completed:\n    properties:\n      total: {type: number}\n"


# -- imports -----------------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["/etc/passwd", "../../outside/secret.yaml",
                                    "{outside}/secret.yaml"])
def test_an_import_outside_the_repository_is_refused_at_its_line_without_its_content(
        project: Path, target: str) -> None:
    target = target.format(outside=project.parent / "outside")
    plan = plan_with(project, f"imports: [{target}]\n" + EVENT)
    for command in (["lint", plan], ["validate", "--plan", plan, "-"],
                    ["compile", plan, "--out", "build"], ["export", "segment", plan]):
        result = run(*command)
        assert result.exit_code == 1, (command, result.output)
        assert "plans/shop.yaml:4:" in result.output, result.output
        assert "outside the project folder" in result.output
        assert SECRET not in result.output and "root:" not in result.output, result.output


def test_a_link_in_the_tree_that_leads_out_is_refused(project: Path) -> None:
    (project / "shared").mkdir()
    (project / "shared" / "common.yaml").symlink_to(project.parent / "outside" / "secret.yaml")
    plan = plan_with(project, "imports: [../shared/common.yaml]\n" + EVENT)
    result = run("lint", plan)
    assert result.exit_code == 1
    assert "plans/shop.yaml:4:" in result.output and "outside the project folder" in result.output
    assert SECRET not in result.output


def test_a_plan_file_in_the_plans_folder_linking_out_is_not_read(project: Path) -> None:
    plan_with(project, EVENT)
    (project / "plans" / "stolen.yaml").symlink_to(project.parent / "outside" / "secret.yaml")
    result = run("lint")
    assert result.exit_code == 1
    assert "plans/stolen.yaml" in result.output and "outside the project folder" in result.output
    assert SECRET not in result.output


def test_dev_zero_is_refused_at_once(project: Path) -> None:
    """Reading /dev/zero used to run until memory ran out; now it is refused unread, even
    through a link inside the tree and outside any repository."""
    (project / "plans" / "zero.yaml").symlink_to("/dev/zero")
    plan = plan_with(project, "imports: [/dev/zero, zero.yaml]\n" + EVENT)
    result = subprocess.run([*PROTOCOLS, "lint", plan],
                            cwd=project, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1, result.stderr
    assert result.stdout.count("outside the project folder") >= 2, result.stdout
    (project / ".git").rmdir()  # without a repository, the plan's folder is the tree
    os.mkfifo(project / "plans" / "pipe.yaml")
    plan = plan_with(project, "imports: [pipe.yaml]\n" + EVENT)
    result = subprocess.run([*PROTOCOLS, "lint", plan],
                            cwd=project, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 1
    assert "not a regular file" in result.stdout, result.stdout


def test_an_oversized_import_is_refused(project: Path) -> None:
    big = project / "plans" / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(33 * 1024 * 1024)  # sparse: no disk used
    plan = plan_with(project, "imports: [big.yaml]\n" + EVENT)
    result = run("lint", plan)
    assert result.exit_code == 1 and "larger than 32 MiB" in result.output, result.output


def test_an_import_path_with_a_nul_is_a_positioned_error_not_a_traceback(
        project: Path) -> None:
    """``imports: ["a\\0b.yaml"]`` (a NUL is valid in a quoted YAML string) used to end every
    command in ``ValueError: embedded null byte``; found by the plan fuzz."""
    plan = plan_with(project, 'imports: ["common\\0.yaml"]\n' + EVENT)
    for command in (["lint", plan], ["validate", "--plan", plan, "-"],
                    ["compile", plan, "--out", "build"], ["export", "segment", plan]):
        result = CliRunner().invoke(app, command, input="")
        assert not isinstance(result.exception, ValueError), (command, result.exception)
        assert result.exit_code == 1, (command, result.output)
        assert "plans/shop.yaml:4:11" in result.output and "NUL" in result.output, result.output
        assert "\x00" not in result.output


# -- $ref ----------------------------------------------------------------------------------------


def remote_ref_plans(base: str, project: Path) -> dict[str, str]:
    secret = (project.parent / "outside" / "secret.json").as_uri()
    return {
        "url": f'        schema: {{$ref: "{base}/address.json"}}\n',
        "file": f'        schema: {{$ref: "{secret}"}}\n',
        "relative": '        schema: {$ref: "../../outside/secret.json"}\n',
        "base-id": (f'        schema: {{$id: "{base}/", properties: {{a: {{$ref: '
                    '"address.json"}}}\n'),
    }


@pytest.mark.parametrize("kind", ["url", "file", "relative", "base-id"])
def test_an_external_reference_is_a_positioned_error_and_never_fetched(
        project: Path, server: tuple[str, list[str]], no_sockets: list[Any], kind: str) -> None:
    base, requests = server
    body = remote_ref_plans(base, project)[kind]
    plan = plan_with(project, "events:\n  Order Completed:\n    properties:\n      address:\n"
                     + body)
    log = project / "log.ndjson"
    log.write_text(json.dumps({"type": "track", "event": "Order Completed", "userId": "u",
                               "properties": {"address": "x"}}) + "\n", "utf-8")
    commands = [["lint", plan], ["validate", "--plan", plan, "log.ndjson"],
                ["compile", plan, "--out", "build"], ["export", "segment", plan],
                ["export", "jsonschema", plan, "--out", "schemas"],
                ["generate", "--lang", "python", "--plan", plan, "--out", "py"],
                ["generate", "--lang", "typescript", "--plan", plan, "--out", "ts"]]
    for command in commands:
        result = run(*command)
        assert result.exit_code == 1, (command, result.output)
        assert "PL114" in result.output and "plans/shop.yaml:8:" in result.output, (
            command, result.output)
        assert SECRET not in result.output
    assert requests == []
    assert not (project / "build").exists() and not (project / "schemas").exists()
    assert not (project / "py").exists() and not (project / "ts").exists()
    assert [a for a in no_sockets if a[0] != "127.0.0.1"] == []


@pytest.mark.parametrize("kind", ["url", "file", "base-id"])
def test_the_engine_itself_never_fetches(project: Path, server: tuple[str, list[str]],
                                         kind: str) -> None:
    """Defence in depth: a schema that reaches the engine without the loader's check (the
    Python API, a future caller) still cannot fetch; the value is reported as unchecked."""
    base, requests = server
    secret = (project.parent / "outside" / "secret.json").as_uri()
    schema = {
        "url": {"properties": {"a": {"$ref": f"{base}/a.json"}}},
        "file": {"properties": {"a": {"$ref": secret}}},
        "base-id": {"$id": f"{base}/root.json", "properties": {"a": {"$ref": "a.json"}}},
    }[kind]
    violations = compile_validator(schema)({"a": "x"})
    assert [v.keyword for v in violations] == ["$ref"]
    assert violations[0].detail == "unchecked"
    assert "cannot be resolved" in violations[0].message
    assert SECRET not in violations[0].message
    with pytest.raises(referencing.exceptions.Unresolvable):
        reference_validator(schema).is_valid({"a": "x"})
    assert requests == []


# -- configuration -------------------------------------------------------------------------------


@pytest.mark.parametrize(("setting", "command"), [
    ('plans = "/etc"', ["lint"]),
    ('plans = "../outside"', ["lint"]),
    ('[validate]\nplan = "../outside/secret.yaml"', ["validate", "-"]),
    ('[generate]\nlang = "python"\nout = "/tmp/protocols-hijacked"', ["generate"]),
    ('[generate]\ntargets = [{lang = "python", out = "../outside/x"}]', ["generate"]),
    ('[diff]\naccepted = "/etc/passwd"', ["diff"]),
])
def test_a_configuration_cannot_name_paths_outside_the_project(
        project: Path, setting: str, command: list[str]) -> None:
    (project / ".protocols.toml").write_text(setting + "\n", "utf-8")
    plan_with(project, EVENT)
    result = run(*command)
    assert result.exit_code == 2, result.output
    assert "outside the project folder" in result.output
    assert SECRET not in result.output and "root:" not in result.output
    assert not Path("/tmp/protocols-hijacked").exists()


def test_import_plans_an_external_reference_as_any_value_and_never_fetches(
        project: Path, server: tuple[str, list[str]]) -> None:
    base, requests = server
    (project / "s.json").write_text(json.dumps({
        "title": "Order Completed", "type": "object",
        "properties": {"a": {"$ref": f"{base}/a.json"},
                       "b": {"type": "object", "properties": {"c": {"$ref": "file:///etc/passwd"}}}},
    }), "utf-8")
    result = run("import", "jsonschema", "s.json", "--out", "plans/imported.yaml")
    assert result.exit_code == 0, result.output
    assert result.output.count("points outside the schema's named types; planned as any "
                               "value") == 2
    assert run("lint", "plans/imported.yaml", "--select", "PL114").exit_code == 0
    assert requests == []


def test_a_huge_or_device_configuration_is_refused_unread(project: Path) -> None:
    plan_with(project, EVENT)
    with (project / ".protocols.toml").open("wb") as handle:
        handle.truncate(5 * 1024 * 1024)
    result = run("lint")
    assert result.exit_code == 2 and "larger than 4 MiB" in result.output, result.output
    (project / ".protocols.toml").unlink()
    result = run("lint", "--config", "/dev/zero")
    assert result.exit_code == 2 and "not a regular file" in result.output, result.output
