"""Project configuration: ``[tool.protocols]`` in pyproject.toml, or ``.protocols.toml``.

Layers, weakest first: rule defaults, this file, the plan's own ``lint:`` section, then the
command line. Unknown keys and bad values are precise errors, never silent defaults.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from protocols.naming import did_you_mean

KNOWN_SECTIONS: dict[str, frozenset[str]] = {
    "": frozenset({"plans", "lint", "validate", "generate", "diff", "scan"}),
    "lint": frozenset({"rules", "select", "ignore", "strict"}),
    "validate": frozenset({"plan", "source_field", "fail_on", "max_examples", "jobs"}),
    # Plus every option some language accepts (sdk, package...): see _generate_keys.
    "generate": frozenset({"lang", "out", "plan", "sdk", "runtime_validation", "targets"}),
    "diff": frozenset({"against", "fail_on", "accepted", "audience"}),
    "scan": frozenset({"plan", "paths", "exclude", "wrappers", "receivers", "fail_on",
                       "max_file_size", "gitignore"}),
}


class ConfigError(Exception):
    """A configuration file with an unknown key or a bad value."""


@dataclass(frozen=True)
class Config:
    file: str | None = None
    data: Mapping[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> Mapping[str, Any]:
        value = self.data.get(name, {})
        return value if isinstance(value, Mapping) else {}

    @property
    def plans_dir(self) -> str:
        return str(self.data.get("plans", "plans"))


def find_config(start: Path | None = None) -> Path | None:
    """The nearest ``.protocols.toml``, or pyproject.toml with ``[tool.protocols]``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        dedicated = folder / ".protocols.toml"
        if dedicated.is_file():
            return dedicated
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                data = tomllib.loads(pyproject.read_text("utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            if "protocols" in data.get("tool", {}):
                return pyproject
        if (folder / ".git").exists():
            break
    return None


def load_config(path: Path | None = None, *, start: Path | None = None) -> Config:
    path = path or find_config(start)
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("protocols", {})
    _check_keys(path, data)
    return Config(str(path), data)


def _check_keys(path: Path, data: Mapping[str, Any]) -> None:
    for key, value in data.items():
        _check_key(path, "", key)
        if key in KNOWN_SECTIONS and key and isinstance(value, Mapping):
            for sub in value:
                if key == "lint" and sub == "rules":
                    continue
                _check_key(path, key, sub)


def generate_keys() -> frozenset[str]:
    """Keys of ``[generate]`` and of each of its targets: the common ones and every option a
    registered language accepts (``package``...)."""
    from protocols.generate.registry import EMITTERS  # the languages know their options

    options = frozenset().union(*(emitter.options for emitter in EMITTERS.values()))
    return KNOWN_SECTIONS["generate"] | options


def _check_key(path: Path, section: str, key: str) -> None:
    known = generate_keys() if section == "generate" else KNOWN_SECTIONS[section]
    if key not in known:
        hint = did_you_mean(key, sorted(known))
        where = f"[{section}]" if section else "the top level"
        raise ConfigError(f"{path}: unknown key {key!r} in {where}"
                          + (f"; did you mean {hint!r}?" if hint else
                             f" (known: {', '.join(sorted(known))})"))
