"""The plan's ``version`` is semver: which bump a set of changes requires, and whether it got it.

Policy (documented in docs/diff.md): from 1.0.0 on, a breaking change (for producers or
consumers) needs a major bump, any other change to what is accepted (an addition, a
loosening, a deprecation) a minor one, and a docs-only change a patch. Below 1.0.0 everything
shifts down one place, as Cargo does: a breaking change needs a minor bump, anything else a
patch. Pre-release and build suffixes are ignored when sizing a bump.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from protocols.diff.rules import Bump

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                     r"(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


@dataclass(frozen=True, order=True)
class Version:
    major: int
    minor: int
    patch: int
    prerelease: str | None = None

    @classmethod
    def parse(cls, text: object) -> Version | None:
        match = _SEMVER.match(str(text).strip()) if isinstance(text, str) else None
        if match is None:
            return None
        return cls(int(match[1]), int(match[2]), int(match[3]), match[4])

    @property
    def core(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def precedence(self) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
        """Semver precedence: a pre-release sorts before its release."""
        if self.prerelease is None:
            return (*self.core, 1, ())
        parts = tuple((0, int(p)) if p.isdigit() else (1, p) for p in self.prerelease.split("."))
        return (*self.core, 0, parts)

    def bumped(self, bump: Bump) -> Version:
        if bump is Bump.MAJOR:
            return Version(self.major + 1, 0, 0)
        if bump is Bump.MINOR:
            return Version(self.major, self.minor + 1, 0)
        return Version(self.major, self.minor, self.patch + 1)

    def __str__(self) -> str:
        return ".".join(map(str, self.core)) + (f"-{self.prerelease}" if self.prerelease else "")


def required_bump(bumps: Iterable[Bump], old: Version) -> Bump | None:
    """The bump the changes need from ``old`` (None when nothing changed)."""
    needed = max(bumps, key=lambda bump: bump.rank, default=None)
    if needed is None or old.major > 0:
        return needed
    return Bump.MINOR if needed is Bump.MAJOR else Bump.PATCH


def bump_of(old: Version, new: Version) -> Bump | None:
    """Which part went up from ``old`` to ``new`` (None: the same release, or lower)."""
    if new.major > old.major:
        return Bump.MAJOR
    if new.major == old.major and new.minor > old.minor:
        return Bump.MINOR
    if new.core[:2] == old.core[:2] and new.patch > old.patch:
        return Bump.PATCH
    return None


@dataclass(frozen=True)
class VersionCheck:
    """The outcome: which rule fired (if any), and the version the changes require."""

    old: str | None
    new: str | None
    required_bump: Bump | None
    required_version: str | None
    problem: str | None  # a version rule id, or None when the version is fine
    message: str = ""


def check_version(old_text: object, new_text: object, bumps: list[Bump]) -> VersionCheck:
    old_shown = None if old_text is None else str(old_text)
    new_shown = None if new_text is None else str(new_text)
    old, new = Version.parse(old_text), Version.parse(new_text)
    if old is not None and new is not None and new.precedence() < old.precedence():
        return VersionCheck(old_shown, new_shown, None, None, "version-decreased",
                            f"the plan version went down from {old} to {new}")
    if not bumps:
        return VersionCheck(old_shown, new_shown, None, None, None)
    if new_text is None:
        if old_text is None:  # a plan that never had a version: nothing to check
            return VersionCheck(old_shown, new_shown, None, None, None)
        return VersionCheck(old_shown, new_shown, None, None, "version-missing",
                            f"the plan changed and lost its `version` (was {old_shown})")
    if old is None or new is None:
        # No old version (the plan format guarantees semver when there is one): nothing to
        # compare the new one with.
        return VersionCheck(old_shown, new_shown, None, None, None)
    needed = required_bump(bumps, old)
    assert needed is not None
    target = str(old.bumped(needed))
    got = bump_of(old, new)
    if got is None and old.prerelease is not None and new.precedence() > old.precedence():
        # 2.0.0-rc.1 -> 2.0.0 (or -rc.2): the bump was made when the pre-release was cut.
        return VersionCheck(old_shown, new_shown, needed, target, None)
    if got is None:
        return VersionCheck(old_shown, new_shown, needed, target, "version-not-bumped",
                            f"the plan changed but its version is still {new}: "
                            f"these changes need a {needed.value} bump, to {target}")
    if got.rank < needed.rank:
        return VersionCheck(old_shown, new_shown, needed, target, "version-bump-too-small",
                            f"version {old} -> {new} is a {got.value} bump; these changes "
                            f"need a {needed.value} bump, to {target}")
    return VersionCheck(old_shown, new_shown, needed, target, None)
