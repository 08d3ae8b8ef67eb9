"""Reading and parsing one source file, safely: bounded size, no symlinks, UTF-8 or a finding.

The file is opened without following a symlink and without blocking (a FIFO cannot hang the
scan), must be a regular file, and is read up to the size limit only. Bytes that are not
UTF-8 are a PS001 finding at the first bad byte; a file over the limit is PS002. Otherwise
tree-sitter parses it (it recovers from syntax errors: PS003, and the rest is still read) and
the language's extractor turns the tree into :class:`FileFacts`.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass

from protocols.diagnostics import Diagnostic
from protocols.scan.codes import CODES
from protocols.scan.languages import FAMILY, parser
from protocols.scan.model import FileFacts
from protocols.scan.syntax.base import ExtractContext, Extractor, Source, first_error

# The header every `protocols generate` emitter writes on the first lines of its files.
_GENERATED = re.compile(rb"^\s*(?:#|//|/\*)\s*(?:Code )?[Gg]enerated by protocols\b")
_HEADER_LINES = 5


@dataclass(frozen=True)
class Parsed:
    facts: FileFacts | None
    problem: Diagnostic | None = None


def read_source(path: str, max_size: int) -> bytes | Diagnostic:
    """The bytes of ``path``, or the finding that says why they cannot be scanned."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        handle = os.open(path, flags)
    except OSError as exc:
        return CODES["PS001"].diagnostic(f"cannot open the file: {exc.strerror or exc}",
                                         file=path)
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode):
            return CODES["PS001"].diagnostic("not a regular file", file=path)
        if info.st_size > max_size:
            return CODES["PS002"].diagnostic(
                f"{info.st_size} bytes, over the scan limit of {max_size} bytes "
                "(max_file_size in [tool.protocols.scan])", file=path)
        chunks: list[bytes] = []
        remaining = max_size + 1
        while remaining > 0:
            chunk = os.read(handle, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        return CODES["PS001"].diagnostic(f"cannot read the file: {exc.strerror or exc}",
                                         file=path)
    finally:
        os.close(handle)
    if len(data) > max_size:  # it grew while we read it
        return CODES["PS002"].diagnostic(f"over the scan limit of {max_size} bytes", file=path)
    return data


def decode_problem(path: str, data: bytes) -> Diagnostic | None:
    """PS001 at the first byte that is not UTF-8 (a NUL byte means a binary file)."""
    nul = data.find(b"\0")
    if nul >= 0:
        line, column = _locate(data, nul)
        return CODES["PS001"].diagnostic(f"a NUL byte at byte {nul + 1}: a binary file, not "
                                         "source", file=path, line=line, column=column)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _locate(data, exc.start)
        return CODES["PS001"].diagnostic(
            f"not UTF-8: byte 0x{data[exc.start]:02x} at byte {exc.start + 1}",
            file=path, line=line, column=column)
    return None


def _locate(data: bytes, offset: int) -> tuple[int, int]:
    """The line and column (in characters, as every position of a scan) of byte ``offset``."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", errors="replace")) + 1


def _extractor(language: str) -> type[Extractor]:
    """The extractor class of a language (its module imported when first needed)."""
    family = FAMILY[language]
    if family == "python":
        from protocols.scan.syntax.python import PythonExtractor

        return PythonExtractor
    if family == "js":
        from protocols.scan.syntax.javascript import JavaScriptExtractor

        return JavaScriptExtractor
    if family == "jvm":
        from protocols.scan.syntax.jvm import JavaExtractor, KotlinExtractor

        return KotlinExtractor if language == "kotlin" else JavaExtractor
    if family == "swift":
        from protocols.scan.syntax.swift import SwiftExtractor

        return SwiftExtractor
    from protocols.scan.syntax.golang import GoExtractor

    return GoExtractor


def parse_file(path: str, language: str, context: ExtractContext, *, max_size: int) -> Parsed:
    data = read_source(path, max_size)
    if isinstance(data, Diagnostic):
        return Parsed(None, data)
    problem = decode_problem(path, data)
    if problem is not None:
        return Parsed(None, problem)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    tree = parser(language).parse(data)
    source = Source(data)
    root = tree.root_node
    facts = _extractor(language)(path, language, source, context).read(root)
    facts.syntax_error = first_error(root, source)
    facts.generated = any(_GENERATED.match(line) for line in data.split(b"\n", _HEADER_LINES)
                          [:_HEADER_LINES])
    return Parsed(facts)
