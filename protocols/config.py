"""Project configuration: ``[tool.protocols]`` in pyproject.toml, or ``.protocols.toml``.

Layers, weakest first: rule defaults, this file, the plan's own ``lint:`` section, then the
command line. Unknown keys and bad values are precise errors, never silent defaults.

The file is part of the repository, so it arrives in pull requests like the plans: the paths
it names (the plans folder, a plan, an output folder, the accepted-changes file) must stay
inside the project folder it sits in. Paths given on the command line are the user's own.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from protocols.naming import did_you_mean
from protocols.plan.confine import Refused, inside, project_root, read_confined

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
                data = tomllib.loads(_read(pyproject))
            except (OSError, Refused, tomllib.TOMLDecodeError, UnicodeDecodeError):
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
        data = tomllib.loads(_read(path))
    except (OSError, Refused, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("protocols", {})
    _check_keys(path, data)
    _check_paths(path, data)
    return Config(str(path), data)


# A configuration file is small; a larger one (or a device) is refused, not read whole.
MAX_CONFIG_BYTES = 4 * 1024 * 1024


def _read(path: Path) -> str:
    return read_confined(path, None, limit=MAX_CONFIG_BYTES).decode("utf-8")


# Keys whose values name files or folders: (section, key); targets are checked one by one.
_PATH_KEYS = (("", "plans"), ("validate", "plan"), ("generate", "plan"), ("generate", "out"),
              ("diff", "accepted"), ("diff", "against"))


def _path_values(data: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for section, key in _PATH_KEYS:
        table = data.get(section, {}) if section else data
        if isinstance(table, Mapping) and key in table:
            yield (f"[{section}] {key}" if section else key), table[key]
    generate = data.get("generate")
    targets = generate.get("targets") if isinstance(generate, Mapping) else None
    for index, target in enumerate(targets if isinstance(targets, list) else []):
        for key in ("plan", "out"):
            if isinstance(target, Mapping) and key in target:
                yield f"[generate] targets[{index}].{key}", target[key]


def _check_paths(path: Path, data: Mapping[str, Any]) -> None:
    """Every path the file names lies inside its project folder (links followed)."""
    root = project_root(path)
    for where, value in _path_values(data):
        if not isinstance(value, str) or not value:
            continue
        # A plan id (`validate.plan = "shop"`) or a git ref is not a path, and stays inside.
        target = Path(os.path.abspath(value))
        if not inside(target, root):
            raise ConfigError(f"{path}: {where} = {value!r} is outside the project folder "
                              f"{root}; the configuration may only name paths inside it")


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
