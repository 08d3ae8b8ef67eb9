"""Which plan to validate against: a file, a plan id under the plans folder, or the only one."""

from __future__ import annotations

from pathlib import Path

from protocols.plan.loader import discover_plan_files, load_plan_file
from protocols.validate.read.sources import InputError


def find_plan(reference: str | None, plans_dir: str) -> Path:
    """The plan file for ``--plan`` (a path or a plan id); the only plan when None.

    Raises :class:`InputError` (a usage error) when nothing, or more than one plan, fits.
    """
    if reference is not None and Path(reference).is_file():
        return Path(reference)
    folder = Path(plans_dir)
    candidates = discover_plan_files([plans_dir]) if folder.is_dir() else []
    plans: dict[str, Path] = {}
    for path in candidates:
        loaded = load_plan_file(path)
        if loaded.plan is not None and not loaded.is_library:
            plans.setdefault(loaded.plan.id, path)
    if reference is None:
        if len(plans) == 1:
            return next(iter(plans.values()))
        if not plans:
            raise InputError(f"no plan found in {plans_dir}/: pass --plan FILE")
        raise InputError(f"{len(plans)} plans in {plans_dir}/ ({', '.join(sorted(plans))}): "
                         "choose one with --plan")
    for plan_id, path in plans.items():
        if reference in (plan_id, path.stem):
            return path
    known = f" (plans in {plans_dir}/: {', '.join(sorted(plans))})" if plans else ""
    raise InputError(f"no plan file or plan id {reference!r}{known}")
