"""What scan reads, and that hostile trees cannot hurt it: .gitignore, --exclude, symlinks
out of the tree, FIFOs, binary and non-UTF-8 files, huge files, deeply nested syntax, and
every entry accounted for."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from tree_sitter import Node

from protocols.plan import load_plan
from protocols.scan import ScanSettings, run_scan
from protocols.scan.ignore import IgnoreRules
from protocols.scan.languages import language_of, parser
from protocols.scan.run import scan_tree
from protocols.scan.syntax.base import MAX_START_DEPTH, first_deeper
from protocols.scan.walk import SourceFile, WalkError, walk
from tests.conftest import REPO

PLAN = load_plan(REPO / "tests" / "scan" / "plan.yaml")
TRACK = 'analytics.track(user_id, "Order Completed", {"order_id": "o", "currency": "EUR", "total": 1})\n'


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, "utf-8")
    return path


def entries(root: Path, **options: object) -> dict[str, str]:
    """Every entry the walk reports: path relative to root -> "source" or the skip reason."""
    found: dict[str, str] = {}
    for entry in walk([str(root)], **options):  # type: ignore[arg-type]
        relative = os.path.relpath(entry.path, root) + ("/" if entry.path.endswith("/") else "")
        found[relative] = "source" if isinstance(entry, SourceFile) else entry.reason
    return found


def test_gitignore_files_at_every_level_with_negation(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / ".gitignore", "build/\n*.gen.py\n")
    write(tmp_path / "app" / ".gitignore", "local_*.py\n!local_keep.py\n")
    for name in ("app/main.py", "app/local_x.py", "app/local_keep.py", "app/a.gen.py",
                 "build/out.py", "node_modules/lib/x.js", "README.md"):
        write(tmp_path / name, "x = 1\n")
    found = entries(tmp_path)
    assert found["app/main.py"] == "source"
    assert found["app/local_keep.py"] == "source"
    assert found["app/local_x.py"] == "ignored by .gitignore"
    assert found["app/a.gen.py"] == "ignored by .gitignore"
    assert found["build/"] == "ignored by .gitignore"
    assert found["node_modules/"] == "node_modules/ is never scanned"
    assert found[".git/"] == ".git/ is never scanned"
    assert found["README.md"].startswith("not a source file")
    assert "build/out.py" not in found  # an ignored folder is not walked into
    assert entries(tmp_path, gitignore=False)["app/local_x.py"] == "source"


def test_a_subfolder_scan_still_honours_the_repository_gitignore(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / ".gitignore", "generated/\n")
    write(tmp_path / "src" / "generated" / "x.py", "x = 1\n")
    write(tmp_path / "src" / "y.py", "y = 1\n")
    found = entries(tmp_path / "src")
    assert found == {"generated/": "ignored by .gitignore", "y.py": "source"}


# A .gitignore from a pull request: every star of a pattern used to be a backtracking
# `[^/]*` (pathspec), so ten stars against a 30-character name took 7 s and these never ended.
HOSTILE_GITIGNORE = [
    "*" * 40 + "b",                       # consecutive stars
    "*a" * 30 + "b",                      # stars split by a letter the name is made of
    "/".join(["**"] * 40) + "/x",         # ** segments against a deep path
    "/".join(["**/a"] * 30) + "/b",
    "*a" * 20 + ".py",                    # matches the long name below: it is ignored
]


@pytest.mark.timeout(60)
def test_pathological_gitignore_patterns_match_in_bounded_time(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / ".gitignore", "\n".join(HOSTILE_GITIGNORE) + "\n")
    write(tmp_path / ("a" * 200 + ".py"), "x = 1\n")
    write(tmp_path / ("a" * 240 + ".js"), "x = 1\n")
    deep = tmp_path.joinpath(*["a"] * 60)
    write(deep / "keep.go", "package a\n")
    started = time.perf_counter()
    found = entries(tmp_path, exclude=HOSTILE_GITIGNORE)
    elapsed = time.perf_counter() - started
    assert elapsed < 5, f"walk took {elapsed:.1f} s"
    assert found["a" * 200 + ".py"] == "ignored by .gitignore"
    assert found["a" * 240 + ".js"] == "source"
    assert found["/".join(["a"] * 60) + "/keep.go"] == "source"


GIT_CASES = [
    ("*.py", ["a.py", "x/y/a.py"], ["a.js", "py/"]),
    ("build/", ["build/", "x/build/", "build/a.py"], ["build"]),
    ("/root.py", ["root.py"], ["x/root.py"]),
    ("doc/*.md", ["doc/a.md"], ["doc/x/a.md", "x/doc/a.md"]),
    ("a/**/b", ["a/b", "a/x/y/b", "a/b/c.py"], ["x/a/b"]),
    ("**/foo", ["foo", "x/y/foo/z.py"], ["foo.py"]),
    ("foo/**", ["foo/x", "foo/x/y.py"], ["foo", "foo/", "x/foo/y"]),
    ("a?c", ["abc", "x/axc"], ["ac", "a/c", "aéc"]),   # ? is one byte, é two
    ("[a-c]z", ["az", "cz"], ["dz", "a/z"]),
    ("[!a]y", ["by"], ["ay", "b/y", "éy"]),
    ("[é]y", [], ["éy", "ey"]),
    ("*a*b*c", ["aXbYc", "abc"], ["acb"]),
    ("src/*", ["src/a.js", "src/x/"], ["src", "x/src/a.js"]),
    ("\\#lit", ["#lit"], []),
    ("\\!bang", ["!bang"], []),
    ("trail   ", ["trail"], ["trail   "]),
    ("trail\\  ", ["trail "], ["trail"]),
    ("end\\", [], ["end", "end\\"]),             # a trailing backslash matches nothing
    ("a//b", [], ["a/b"]),
    ("[unclosed", [], ["[unclosed", "u"]),
    ("[[:digit:]]x", ["1x"], ["ax", "[x", "dx"]),
    ("[a[:upper:]]x", ["ax", "Bx"], ["bx"]),
    ("[[:nosuch:]]x", [], ["nx", "[x"]),
    ("y[[:]x", ["y[x", "y:x"], ["yax"]),             # no ``:]``: ``[`` and ``:`` are members
]


def _git_ignores(tmp_path: Path, lines: list[str], path: str) -> bool:
    """What `git check-ignore --no-index` says of ``path`` (created, as a folder when it
    ends in ``/``) under a .gitignore of ``lines``, in a repository of its own."""
    repo = Path(tempfile.mkdtemp(dir=tmp_path))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".gitignore").write_bytes("".join(line + "\n" for line in lines).encode())
    target = repo / path.rstrip("/")
    if path.endswith("/"):
        target.mkdir(parents=True)
    else:
        write(target, "")
    done = subprocess.run(["git", "check-ignore", "-q", "--no-index", path.rstrip("/")],
                          cwd=repo, check=False)
    assert done.returncode in (0, 1), done
    return done.returncode == 0


@pytest.mark.parametrize(("pattern", "ignored", "kept"), GIT_CASES)
def test_gitignore_patterns_mean_what_git_says(pattern: str, ignored: list[str],
                                               kept: list[str], tmp_path: Path) -> None:
    """Each case as `git check-ignore --no-index` decides it, asked of git itself; then the
    pattern negated after ``*``, where a folder git ignores keeps its files ignored."""
    rules = IgnoreRules.from_lines([pattern])
    assert [path for path in ignored if not rules.matches(path)] == []
    assert [path for path in kept if rules.matches(path)] == []
    assert [path for path in ignored if not _git_ignores(tmp_path, [pattern], path)] == []
    assert [path for path in kept if _git_ignores(tmp_path, [pattern], path)] == []
    negated = ["*", "!" + pattern]
    assert {path: IgnoreRules.from_lines(negated).matches(path) for path in ignored} == {
        path: _git_ignores(tmp_path, negated, path) for path in ignored}


@pytest.mark.parametrize(("gitignore", "files", "scanned"), [
    # A negated folder pattern re-includes the folder, not the files it ignores by name.
    ("*.py\n!keep/\n", ["keep/a.py", "b.py"], []),
    ("*.py\n!*/\n!keep.py\n", ["keep.py", "x/keep.py", "x/a.py"], ["keep.py", "x/keep.py"]),
    # ``dir/**`` ignores what is inside dir, not dir: a later negation can keep a file.
    ("dir/**\n!dir/keep.py\n", ["dir/keep.py", "dir/b.py"], ["dir/keep.py"]),
    # git skips a byte order mark and splits lines at \n only.
    ("\ufeffa.py\n", ["a.py", "b.py"], ["b.py"]),
    ("a.py\x0cb.py\n", ["a.py", "b.py"], ["a.py", "b.py"]),
    ("a.py\r\n", ["a.py", "b.py"], ["b.py"]),
])
def test_the_walk_keeps_what_git_keeps(tmp_path: Path, gitignore: str, files: list[str],
                                       scanned: list[str]) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_bytes(gitignore.encode())
    for name in files:
        write(tmp_path / name, "x = 1\n")
    listed = subprocess.run(["git", "ls-files", "-z", "--others", "--exclude-standard"],
                            cwd=tmp_path, capture_output=True, check=True).stdout.decode()
    assert sorted(name for name in listed.split("\0") if name.endswith(".py")) == scanned
    found = entries(tmp_path)
    assert sorted(name for name, what in found.items() if what == "source") == scanned


def test_a_root_inside_an_ignored_folder_is_ignored_whatever_it_negates(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / ".gitignore", "build/\n!build/x/\n")
    write(tmp_path / "build" / "x" / "a.py", "x = 1\n")
    assert entries(tmp_path / "build" / "x") == {"a.py": "ignored by .gitignore"}


@pytest.mark.timeout(60)
def test_a_gitignore_line_of_a_million_spaces_is_read_in_linear_time(tmp_path: Path) -> None:
    """Trailing spaces were stripped one at a time, each counting the backslashes before
    it over a copy of the line: a 1 MiB line of spaces took 23 s, for each .gitignore."""
    started = time.perf_counter()
    rules = IgnoreRules.from_lines(["a.py" + " " * 1_000_000, "b\\" + " " * 1_000_000])
    assert time.perf_counter() - started < 2
    assert rules.matches("a.py") and rules.matches("b ") and not rules.matches("b")


def test_exclude_patterns_and_virtualenvs(tmp_path: Path) -> None:
    write(tmp_path / "tests" / "t.py", "")
    write(tmp_path / "web" / "app.min.js", "")
    write(tmp_path / "web" / "app.js", "")
    write(tmp_path / "env" / "pyvenv.cfg", "home = /usr\n")
    write(tmp_path / "env" / "lib" / "x.py", "")
    found = entries(tmp_path, exclude=["tests/", "*.min.js"])
    assert found == {"tests/": "excluded by --exclude", "web/app.min.js": "excluded by --exclude",
                     "web/app.js": "source", "env/": "a Python virtual environment"}


def test_symlinks_are_never_followed_out_of_the_tree(tmp_path: Path) -> None:
    outside = write(tmp_path / "outside" / "secret.py", TRACK)
    root = tmp_path / "repo"
    write(root / "main.py", "x = 1\n")
    (root / "link.py").symlink_to(outside)
    (root / "linkdir").symlink_to(outside.parent, target_is_directory=True)
    (root / "loop").symlink_to(root, target_is_directory=True)
    found = entries(root)
    for name in ("link.py", "linkdir", "loop"):
        assert found[name].startswith("a symlink: not followed")
    result = run_scan(PLAN, [str(root)], ScanSettings())
    assert result.summary["calls"] == 0  # the track call lives outside the tree


def test_a_fifo_does_not_hang_the_scan(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    write(tmp_path / "ok.py", TRACK)
    found = entries(tmp_path)
    assert found["pipe.py"] == "not a regular file"
    result = run_scan(PLAN, [str(tmp_path)], ScanSettings())
    assert result.summary["calls"] == 1


def test_binary_non_utf8_and_huge_files_are_findings_not_crashes(tmp_path: Path) -> None:
    write(tmp_path / "binary.py", b"\x7fELF\x00\x01" * 10)
    write(tmp_path / "latin1.kt", "val s = \"caf\u00e9\"\n".encode("latin-1"))
    # (the column counts characters, as every position of a scan: the bad byte is the 12th
    # byte but the 9th character; it was given as column 12, the caret three to the right)
    write(tmp_path / "mixed.py", "x = 1\ns = \"\u00e9\u20ac\u00e9".encode() + b"\xff\"\n")
    write(tmp_path / "huge.js", b"x" * 2048)
    write(tmp_path / "ok.py", TRACK)
    result = run_scan(PLAN, [str(tmp_path)], ScanSettings(max_file_size=1024))
    found = {(Path(d.file or "").name, d.code, d.line, d.column) for d in result.diagnostics
             if d.code in ("PS001", "PS002")}
    assert found == {("binary.py", "PS001", 1, 5), ("latin1.kt", "PS001", 1, 13),
                     ("mixed.py", "PS001", 2, 9), ("huge.js", "PS002", None, None)}
    assert result.summary["files"] == 1 and result.summary["unreadable"] == 4
    assert result.summary["calls"] == 1


@pytest.mark.parametrize(("name", "opening", "closing"), [
    ("deep.py", "f(", ")"), ("deep.ts", "[", "]"), ("deep.kt", "(", ")"),
    ("deep.swift", "[", "]"), ("deep.java", "class A { int x = ", "; }"), ("deep.go", "(", ")")])
def test_deeply_nested_syntax_is_bounded(tmp_path: Path, name: str, opening: str,
                                         closing: str) -> None:
    depth = 20_000
    body = "analytics.track(" + "{'a': " * 200 + "1" + "}" * 200 + ")\n"
    nested = opening * depth + "1" + closing * depth
    write(tmp_path / name, body + "x = " + nested + "\n")
    result = run_scan(PLAN, [str(tmp_path)], ScanSettings())  # no RecursionError
    assert result.summary["files"] == 1


@pytest.mark.timeout(60)
def test_a_long_chain_of_calls_scans_in_bounded_time(tmp_path: Path) -> None:
    """Each call looked for its enclosing function through `node.parent`, which tree-sitter
    answers by descending from the root: 1,600 chained calls took 21 s, 60,000 (660 KB,
    under the size limit) more than five minutes."""
    write(tmp_path / "chain.js", "analytics" + '.track("Chained")' * 500 + ";\n"
          "function send(name) { analytics.track(name); }\n")
    started = time.perf_counter()
    result = run_scan(PLAN, [str(tmp_path)], ScanSettings())
    assert time.perf_counter() - started < 15
    assert result.summary["calls"] == 501  # (1,000 levels: under PS004's depth, all read)
    assert not [d for d in result.diagnostics if d.code == "PS004"]
    unresolved = [d for d in result.diagnostics if d.code == "PS101"]
    assert len(unresolved) == 1 and "parameter `name` of send()" in unresolved[0].message


# Syntax nested far deeper than people write, in each language: tree-sitter's query engine
# paid per node in proportion to the depth (a JavaScript chain of 20,000 calls: 27 s and
# 3 GB; 60,000 chained calls in Java, JavaScript or Kotlin: over two minutes each).
DEEP = {
    "chain.js": "analytics" + '.track("A", {})' * 20_000 + ";\n",
    "chain.ts": "analytics" + '.track("A", {})' * 20_000 + ";\n",
    "chain.py": "analytics" + '.track("u", "A", {})' * 20_000 + "\n",
    "chain.java": "class A { void f() { analytics" + '.track("A")' * 20_000 + "; } }\n",
    "chain.kt": "fun f() { analytics" + '.track("A")' * 20_000 + " }\n",
    "chain.swift": "func f() { analytics" + '.track(name: "A")' * 20_000 + " }\n",
    "maps.go": "package main\nfunc f() {\n x := " + 'map[string]any{"a": ' * 20_000 + "1"
               + "}" * 20_000 + "\n _ = x\n}\n",
    "plus.js": "x = " + "1+" * 50_000 + "1;\n",
    "member.java": "class A { void f() { Object x = a" + ".b" * 50_000 + "; } }\n",
}
SHALLOW = {  # a tracking call of each file's language, at the top, after the deep part
    ".js": 'analytics.track("Order Completed", {});\n',
    ".ts": 'analytics.track("Order Completed", {});\n',
    ".py": 'analytics.track(user_id, "Order Completed", {})\n',
    ".java": 'class B { void g() { analytics.track("Order Completed"); } }\n',
    ".kt": 'fun g() { analytics.track("Order Completed") }\n',
    ".swift": 'func g() { analytics.track(name: "Order Completed") }\n',
    ".go": 'package main\nfunc g() { analytics.Enqueue(analytics.Track{Event: "Order Completed"})'
           " }\n",
}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", sorted(DEEP))
def test_deep_syntax_costs_little_and_says_what_was_not_examined(tmp_path: Path,
                                                                  name: str) -> None:
    suffix = Path(name).suffix
    write(tmp_path / name, DEEP[name])
    write(tmp_path / f"shallow{suffix}", SHALLOW[suffix])
    started = time.perf_counter()
    outcome = scan_tree(PLAN, [str(tmp_path)], ScanSettings())
    assert time.perf_counter() - started < 20  # (about a second here; minutes before)
    deep = [d for d in outcome.problems if d.code == "PS004"]
    assert [Path(d.file or "").name for d in deep] == [name]
    assert deep[0].line is not None and deep[0].column is not None
    assert "1,024 levels" in deep[0].message
    calls = {Path(facts.path).name: len(facts.calls) for facts in outcome.facts}
    assert calls[f"shallow{suffix}"] == 1  # read as ever


@pytest.mark.timeout(180)
@pytest.mark.parametrize(("name", "opening", "closing", "around"), [
    ("nested.js", 'analytics.track("Order Completed", ', ")", ("", ";")),
    ("nested.py", 'analytics.track(u, "Order Completed", ', ")", ("", "")),
    ("Nested.java", 'analytics.track("Order Completed", ', ")", ("class A { void f() { ", "; } }")),
])
def test_calls_nested_as_arguments_read_no_more_text_than_they_show(
        tmp_path: Path, name: str, opening: str, closing: str, around: tuple[str, str]) -> None:
    """Each of the 512 calls found above the depth bound quoted its argument, the rest of
    the file, by decoding all of it: 6 MiB of nested calls took 40 s in JavaScript, 30 s
    in Java (8 MiB: a minute)."""
    count = 6 * 1024 * 1024 // (len(opening) + len(closing))
    text = around[0] + opening * count + "1" + closing * count + around[1] + "\n"
    write(tmp_path / name, text)
    started = time.perf_counter()
    parser(language_of(name) or "").parse(text.encode())  # what any scanner pays
    parsing = time.perf_counter() - started
    started = time.perf_counter()
    result = run_scan(PLAN, [str(tmp_path)], ScanSettings(max_file_size=8 * 1024 * 1024))
    # About twice the parse here (15 to 30 times before); compared with the parse, the
    # bound holds on a loaded machine too.
    assert time.perf_counter() - started < 5 * parsing + 2
    assert [d.code for d in result.diagnostics if d.code.startswith("PS0")] == ["PS004"]
    assert result.summary["calls"] >= 300


def test_deep_syntax_in_a_small_file_is_read_whole(tmp_path: Path) -> None:
    # Under 8 KiB nothing is cut: a call inside 3,000 brackets is found, no PS004.
    body = "x = " + "(" * 3_000 + 'analytics.track("Order Completed", {})' + ")" * 3_000
    write(tmp_path / "small.js", body + ";\n")
    assert len(body) < 8 * 1024
    result = run_scan(PLAN, [str(tmp_path)], ScanSettings())
    assert result.summary["calls"] == 1
    assert not [d for d in result.diagnostics if d.code == "PS004"]


def test_a_call_just_above_the_depth_is_found_and_one_below_it_reported(
        tmp_path: Path) -> None:
    # In a file over 8 KiB: a call starting within 1,024 levels is read; one nested inside
    # 3,000 brackets is not, and PS004 points at the first node past the depth.
    padding = "// " + "x" * 9_000 + "\n"
    call = 'analytics.track("Order Completed", {})'
    write(tmp_path / "near.js", padding + "x = " + "[" * 400 + call + "]" * 400 + ";\n")
    write(tmp_path / "far.js", padding + "x = " + "[" * 3_000 + call + "]" * 3_000 + ";\n")
    result = run_scan(PLAN, [str(tmp_path)], ScanSettings())
    assert result.summary["calls"] == 1
    deep = [(Path(d.file or "").name, d.line) for d in result.diagnostics if d.code == "PS004"]
    assert deep == [("far.js", 2)]


def test_a_syntax_error_is_reported_and_the_rest_of_the_file_still_scanned(tmp_path: Path) -> None:
    write(tmp_path / "broken.py", "def f(:\n    pass\n" + TRACK)
    result = run_scan(PLAN, [str(tmp_path)], ScanSettings())
    assert [(d.code, d.line) for d in result.diagnostics if d.code == "PS003"] == [("PS003", 1)]
    assert result.summary["calls"] == 1


def test_every_entry_is_accounted_for(tmp_path: Path) -> None:
    write(tmp_path / "a.py", TRACK)
    write(tmp_path / "b.md", "# doc\n")
    write(tmp_path / "c.go", b"\xff\xfe")
    write(tmp_path / "sub" / "d.swift", "let x = 1\n")
    (tmp_path / "e.py").symlink_to(tmp_path / "a.py")
    result = run_scan(PLAN, [str(tmp_path)], ScanSettings())
    skipped = {Path(s["file"]).name for s in result.extra["skipped_files"]}
    unreadable = {Path(d.file or "").name for d in result.diagnostics if d.code == "PS001"}
    assert result.summary["files"] == 2  # a.py, sub/d.swift
    assert skipped == {"b.md", "e.py"} and unreadable == {"c.go"}
    on_disk = {p.name for p in tmp_path.rglob("*") if p.is_file() or p.is_symlink()}
    assert on_disk == skipped | unreadable | {"a.py", "d.swift"}


def test_a_missing_path_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(WalkError, match="no such file"):
        list(walk([str(tmp_path / "nope")]))


def test_a_file_named_on_the_command_line_is_scanned_even_if_ignored(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / ".gitignore", "*.py\n")
    target = write(tmp_path / "x.py", TRACK)
    result = run_scan(PLAN, [str(target)], ScanSettings())
    assert result.summary["calls"] == 1


def test_a_file_that_names_no_tracking_call_is_not_queried(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # Most files of a code base send nothing: a query whose names do not occur in the bytes
    # cannot match, so it is skipped; a file that does name one is queried as before.
    import protocols.scan.syntax.queries as queries

    runs: list[str] = []
    real = queries.QueryCursor

    def counting(query: object) -> object:
        runs.append("query")
        return real(query)  # type: ignore[arg-type]

    monkeypatch.setattr(queries, "QueryCursor", counting)
    for name, text in (("a.py", "x = compute(1)\n"), ("b.ts", "export const x = f(1);\n"),
                       ("C.kt", "fun f() = g(1)\n"), ("D.java", "class D { void f() { g(); } }\n"),
                       ("e.swift", "func f() { g() }\n"), ("f.go", "package f\nfunc F() { g() }\n")):
        write(tmp_path / "quiet" / name, text)
    result = run_scan(PLAN, [str(tmp_path / "quiet")], ScanSettings())
    assert result.summary["files"] == 6 and runs == []
    write(tmp_path / "loud" / "a.py", "# analytics.track(u, 'In A Comment')\n" + TRACK)
    result = run_scan(PLAN, [str(tmp_path / "loud")], ScanSettings())
    assert runs and result.summary["calls"] == 1  # the comment still does not count


def test_a_gitignore_that_is_a_symlink_is_not_read(tmp_path: Path) -> None:
    """git reads no .gitignore through a symlink (since 2.32); the walk read one, and so read
    a file outside the scanned tree, while reporting the link itself as "not followed"."""
    outside = write(tmp_path / "outside" / "patterns", "a.py\n")
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".gitignore").symlink_to(outside)
    write(repo / "sub" / "a.py", "x = 1\n")
    (repo / "sub" / ".gitignore").symlink_to(outside)
    write(repo / "a.py", "x = 1\n")
    listed = subprocess.run(["git", "ls-files", "-z", "--others", "--exclude-standard"],
                            cwd=repo, capture_output=True, check=True).stdout.decode()
    assert sorted(n for n in listed.split("\0") if n.endswith(".py")) == ["a.py", "sub/a.py"]
    found = entries(repo)
    assert found["a.py"] == found["sub/a.py"] == "source"
    assert entries(repo / "sub") == {".gitignore": found["sub/.gitignore"], "a.py": "source"}


@pytest.mark.timeout(120)
def test_a_gitignore_past_the_pattern_limit_applies_the_first_patterns_and_says_so(
        tmp_path: Path) -> None:
    # 116,000 patterns (a 1 MiB .gitignore) took 13 s to read and 35 ms for every path
    # below it; the first 10,000 are applied, and PS005 gives the line of the next.
    lines = [f"*generated-{n}*.py" for n in range(116_000)]
    lines[5] = "early.py"
    lines[10_000] = "late.py"  # (the first pattern not applied: line 10,001)
    write(tmp_path / ".gitignore", "# big\n" + "\n".join(lines) + "\n")
    for name in ("early.py", "late.py", "kept.py"):
        write(tmp_path / name, TRACK)
    started = time.perf_counter()
    outcome = scan_tree(PLAN, [str(tmp_path)], ScanSettings())
    assert time.perf_counter() - started < 30
    cut = [d for d in outcome.problems if d.code == "PS005"]
    assert [(Path(d.file or "").name, d.line) for d in cut] == [(".gitignore", 10_002)]
    scanned = sorted(Path(facts.path).name for facts in outcome.facts)
    assert scanned == ["kept.py", "late.py"]  # late.py: only a pattern not applied names it
    assert ("early.py" in {Path(path).name for path, _ in outcome.skipped})
    # The same file above the scanned folder, in its repository: applied, and said so.
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write(tmp_path / "src" / "late.py", TRACK)
    inner = scan_tree(PLAN, [str(tmp_path / "src")], ScanSettings())
    assert [(Path(d.file or "").name, d.line) for d in inner.problems
            if d.code == "PS005"] == [(".gitignore", 10_002)]
    assert [Path(facts.path).name for facts in inner.facts] == ["late.py"]


def test_more_exclude_patterns_than_the_limit_are_refused(tmp_path: Path) -> None:
    write(tmp_path / "a.py", TRACK)
    with pytest.raises(WalkError, match="more than 10,000 exclude patterns"):
        list(walk([str(tmp_path)], exclude=[f"x{n}" for n in range(10_001)]))
    assert len(list(walk([str(tmp_path)], exclude=[f"x{n}" for n in range(10_000)]))) == 1


def _nested(opening: str, core: str, closing: str, count: int) -> str:
    return opening * count + core + closing * count


@pytest.mark.parametrize(("name", "text", "line"), [
    ("Deep.java", _nested("class A { ", 'static final String E = "Order Completed";', "}", 5_000),
     1),
    ("Deep.kt", _nested("object A {\n", 'const val E = "Order Completed"\n', "}\n", 5_000), 50),
    ("Deep.swift", _nested("class A { ", 'static let e = "Order Completed"', " }", 5_000), 1),
    ("Puts.kt", 'fun f() {\nanalytics.track("Order Completed", buildJsonObject { '
     + _nested('putJsonObject("o") { ', 'put("a", 1)', " }", 3_000) + " })\n}\n", 2),
])
def test_nesting_the_extractors_recurse_on_is_bounded_and_reported(
        tmp_path: Path, name: str, text: str, line: int) -> None:
    """Classes in classes (Java, Kotlin, Swift) and Kotlin's putJsonObject blocks were read
    by recursion without a bound: a 60 KiB file was a RecursionError traceback."""
    write(tmp_path / name, text)
    result = run_scan(PLAN, [str(tmp_path)], ScanSettings())
    found = [(d.line, d.message) for d in result.diagnostics if d.code == "PS004"]
    assert found and found[0][0] == line, found
    assert any("48 levels deep" in message for _, message in found), found


def test_a_value_nested_past_the_bound_is_reported_not_skipped(tmp_path: Path) -> None:
    # A payload value 60 dicts deep was read to 48 levels and the rest silently unchecked.
    value = _nested('{"coupon": ', "1", "}", 60)
    write(tmp_path / "deep.py", 'analytics.track(u, "Order Completed", {"order_id": "o", '
          f'"currency": "EUR", "total": 1, "extra": {value}}})\n')
    result = run_scan(PLAN, [str(tmp_path)], ScanSettings())
    found = [(d.line, d.column, d.message) for d in result.diagnostics if d.code == "PS004"]
    start = len('analytics.track(u, "Order Completed", {"order_id": "o", "currency": "EUR", '
                '"total": 1, "extra": ')
    # At the 49th level: its key and its value, neither read.
    assert found == [(1, start + 1 + len('{"coupon": ') * 48 - 10,
                      "an expression nested more than 48 levels deep is not read further: "
                      "what it holds is not checked (2 places, the first here)")]


def test_a_payload_is_checked_as_deep_as_the_plan_nests(tmp_path: Path) -> None:
    # Payload checks stopped at 16 levels of objects, without a word: a wrong type 20 levels
    # down in a plan nested 20 levels was never reported.
    levels = 20
    schema = "{type: string}"
    for _ in range(levels):
        schema = f"{{type: object, properties: {{a: {schema}}}}}"
    plan = write(tmp_path / "plan.yaml", "protocols: 1\nplan: deep\nversion: '1.0.0'\n"
                 f"events:\n  Deep:\n    description: deep\n    properties:\n      a: {schema}\n")
    value = _nested('{"a": ', "1", "}", levels)
    write(tmp_path / "src" / "deep.py", f'analytics.track(u, "Deep", {{"a": {value}}})\n')
    result = run_scan(load_plan(plan), [str(tmp_path / "src")], ScanSettings())
    wrong = [d.path for d in result.diagnostics if d.code == "PS203"]
    assert wrong == ["properties" + ".a" * (levels + 1)], result.diagnostics


def _depth_of_first(root: Node, kind: str) -> int:
    cursor, level = root.walk(), 0
    while cursor.node is not None and cursor.node.type != kind:
        if cursor.goto_first_child():
            level += 1
            continue
        while not cursor.goto_next_sibling():
            assert cursor.goto_parent()
            level -= 1
    return level


def _first_deeper_by_full_walk(root: Node, depth: int) -> Node | None:
    cursor, level = root.walk(), 0
    while True:
        if level > depth:
            return cursor.node
        if cursor.goto_first_child():
            level += 1
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return None
            level -= 1


@pytest.mark.parametrize("text", [
    "x = 1;\n" * 50,
    "x = " + "(" * 30 + "1" + ")" * 30 + ";\n" + "y = [" + "[" * 12 + "]" * 13 + ";\n",
    "f(" * 5 + "1" + ")" * 5 + ";\n" + "a" + ".b" * 40 + ";\n" + "{" * 25 + "}" * 25,
    "x = {a: " * 17 + "1" + "}" * 17 + ";\n" + "g(" * 18 + ")" * 18 + ";\n",
])
@pytest.mark.parametrize("depth", [3, 8, 15, 20, 40])
def test_first_deeper_skips_only_subtrees_too_small_to_reach_the_depth(text: str,
                                                                      depth: int) -> None:
    root = parser("javascript").parse(text.encode()).root_node
    expected = _first_deeper_by_full_walk(root, depth)
    found = first_deeper(root, depth)
    assert (found.id if found else None) == (expected.id if expected else None)


def test_a_call_at_the_depth_bound_is_found_and_one_level_deeper_is_reported(
        tmp_path: Path) -> None:
    # In a file over 8 KiB: `x = [[...[call]...]]` puts the call at depth 3 + brackets
    # (program > expression_statement > assignment > array...).
    padding = "// " + "x" * 9_000 + "\n"
    call = 'analytics.track("Order Completed", {})'
    for name, brackets in (("at.js", MAX_START_DEPTH - 3), ("below.js", MAX_START_DEPTH - 2)):
        text = padding + "x = " + "[" * brackets + call + "]" * brackets + ";\n"
        write(tmp_path / name, text)
        root = parser("javascript").parse(text.encode()).root_node
        assert _depth_of_first(root, "call_expression") == brackets + 3
    result = run_scan(PLAN, [str(tmp_path)], ScanSettings())
    assert [Path(f.path).name for f in scan_tree(PLAN, [str(tmp_path)], ScanSettings()).facts
            if f.calls] == ["at.js"]
    assert result.summary["calls"] == 1
    assert [Path(d.file or "").name for d in result.diagnostics if d.code == "PS004"] == [
        "at.js", "below.js"]


def test_a_long_receiver_is_matched_on_all_of_it(tmp_path: Path) -> None:
    # A receiver over 512 bytes is kept by its two ends (a chain of calls has one per call);
    # a receiver name in its middle only was lost, and the call with it, without a word.
    filler = "x" * 400
    write(tmp_path / "long.js", f'new Sender({{a: "{filler}", plugins: [segmentPlugin], '
          f'b: "{filler}"}}).track("Order Completed", {{order_id: "o", currency: "EUR", '
          "total: 1});\n")
    result = run_scan(PLAN, [str(tmp_path)], ScanSettings())
    assert result.summary["calls"] == 1
    assert not [d for d in result.diagnostics if d.code.startswith("PS")
                and d.code not in ("PS301",)]
