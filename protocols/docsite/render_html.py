"""Stage 2a of ``protocols docs``: the model as a static HTML site.

One page per message, one overview, library, conventions and changelog page per plan, and a
site index with search and filters. Every page is self-contained (CSS and JS inline, allowed by
hash in its Content-Security-Policy), so the folder works from disk and from any static host,
with no network. Links are relative. The output is a pure function of the model.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from protocols.docsite.model import MessageDoc, PlanDoc, Site
from protocols.web import GENERATOR, environment, inline, search_text

KIND_TITLES = {"track": "Track events", "identify": "Identify", "group": "Group",
               "page": "Pages", "screen": "Screens"}
LEVELS = ("breaking", "possibly-breaking", "non-breaking")


def render_html(site: Site) -> dict[str, str]:
    """Every file of the site: relative path -> text."""
    env = environment("protocols.docsite")
    plain = inline(styles=[("protocols.docsite", "site.css")])
    searchable = inline(styles=[("protocols.docsite", "site.css")],
                        scripts=[("protocols.docsite", "index.js")])
    title = _site_title(site)

    def page(template: str, path: str, **context: Any) -> None:
        depth = path.count("/")
        assets = searchable if template == "index.html" else plain
        files[path] = env.get_template(template).render(
            site=site, site_title=title, root="../" * depth, generator=GENERATOR,
            **assets.context(), **context)

    files: dict[str, str] = {}
    messages = site.messages()
    # The fields of the named types each message sends (listed with the type, not under the
    # message): the index finds a message by them too. (Each type's fields once a message.)
    type_fields: dict[str, list[str]] = {}
    for plan in site.plans:
        for named in plan.types:
            fields = [field.path for field in named.properties]
            for user in named.used_by:
                type_fields.setdefault(user.href, []).extend(fields)
    page("index.html", "index.html", title=title, messages=messages,
         owners=sorted({m.owner for m in messages if m.owner}),
         kinds=[k for k in KIND_TITLES if any(m.kind == k for m in messages)],
         search=[_search(m, type_fields.get(m.href, ())) for m in messages])
    for plan in site.plans:
        anchors = {"library_anchors": {e.name: e.anchor for e in plan.library},
                   "type_anchors": {t.name: t.anchor for t in plan.types}}
        page("plan.html", f"{plan.slug}/index.html", title=f"Plan {plan.id}", plan=plan,
             groups=_groups(plan.messages))
        page("library.html", f"{plan.slug}/library.html", title=f"Property library: {plan.id}",
             plan=plan, **anchors)
        page("conventions.html", f"{plan.slug}/conventions.html",
             title=f"Naming conventions: {plan.id}", plan=plan)
        page("changelog.html", f"{plan.slug}/changelog.html", title=f"Changelog: {plan.id}",
             plan=plan, levels=LEVELS)
        for message in plan.messages:
            page("message.html", f"{message.href}.html", title=f"{message.title}: {plan.id}",
                 plan=plan, m=message, folder_title=KIND_TITLES[message.kind], **anchors)
    return files


def _site_title(site: Site) -> str:
    if len(site.plans) == 1:
        return f"Tracking plan: {site.plans[0].id}"
    return "Tracking plans"


def _search(message: MessageDoc, type_fields: Sequence[str] = ()) -> str:
    return search_text([message.title, message.kind, message.plan, message.owner,
                        message.description, *message.tags,
                        *(p.path for p in message.properties), *dict.fromkeys(type_fields),
                        *dict.fromkeys(p.type_name for p in message.properties if p.type_name),
                        *(p.description for p in message.properties if p.depth == 0)])


def _groups(messages: Sequence[MessageDoc]) -> list[dict[str, Any]]:
    return [{"title": title, "messages": [m for m in messages if m.kind == kind]}
            for kind, title in KIND_TITLES.items() if any(m.kind == kind for m in messages)]


def plan_files(plan: PlanDoc) -> list[str]:
    """The pages one plan contributes (for tests and the CLI's summary)."""
    return [f"{plan.slug}/{name}.html" for name in ("index", "library", "conventions",
                                                    "changelog")] + [
        f"{m.href}.html" for m in plan.messages]
