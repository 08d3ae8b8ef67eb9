"""``protocols docs``: the collected facts, the examples, the files, and the command."""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from protocols.cli import app
from protocols.diagnostics import Severity
from protocols.docsite import DocsError, build_files, collect_site, write_site
from protocols.docsite.example import example_message, pattern_examples
from protocols.docsite.model import MessageDoc, Site
from protocols.docsite.render_markdown import code, md
from protocols.docsite.slugs import slug, unique_slugs
from protocols.plan import load_plan
from protocols.validate.check.checker import Validator
from protocols.validate.check.fastschema.patterns import compile_pattern
from tests.conftest import REPO
from tests.docsite_plans import FEATURES, HOSTILE, load, write_plan


def site_of(tmp_path: Path, text: str = FEATURES) -> Site:
    return collect_site([load(tmp_path, text)], tool_version="0.1.0", history=False)


def message(site: Site, title: str) -> MessageDoc:
    return next(m for m in site.messages() if m.title == title)


# -- facts ----------------------------------------------------------------------------------------


def test_every_property_fact_is_collected(tmp_path: Path) -> None:
    site = site_of(tmp_path)
    order = message(site, "Order Completed")
    assert (order.owner, order.description, order.tags) == (
        "@checkout", "The order was paid in full.", ("revenue",))
    assert order.where.endswith("plan.yaml:20")  # its key in the plan
    props = {p.path: p for p in order.properties}
    # Item's fields are listed once, with the type (site.plans[0].types), not under `items`.
    assert list(props) == ["order_id", "currency", "items", "coupon", "receipt_email",
                           "placed_at"]
    assert props["order_id"].required and props["order_id"].range == "length 8 to 8"
    assert props["order_id"].library == "order_id"
    assert props["order_id"].description == "Id of the order."
    assert props["currency"].values == ('"USD"', '"EUR"')
    assert props["items"].type == "array of Item" and props["items"].type_name == "Item"
    assert props["items"].range == "1+ items" and props["items"].by_reference
    assert not props["order_id"].by_reference and order.properties_more == 0
    fields = {p.path: p for p in site.plans[0].types[0].properties}
    assert fields["sku"].pattern == "^SKU-[0-9]{4}$" and fields["sku"].required
    assert fields["sku"].where.endswith("plan.yaml:12")  # in the type, where it is written
    assert fields["price"].range == "> 0; multiple of 0.01"
    assert props["coupon"].type == "string or null" and not props["coupon"].required
    assert props["receipt_email"].library == "email" and props["receipt_email"].pii
    assert props["receipt_email"].format == "email"
    assert props["placed_at"].format == "date-time" and props["placed_at"].library is None
    assert order.pii


def test_which_other_messages_send_a_property(tmp_path: Path) -> None:
    site = site_of(tmp_path)
    order_id = next(p for p in message(site, "Order Refunded").properties if p.name == "order_id")
    assert [r.label for r in order_id.used_by] == ["Order Completed", "Legacy Checkout"]
    assert [r.href for r in order_id.used_by] == ["shop/events/order-completed",
                                                  "shop/events/legacy-checkout"]
    amount = next(p for p in message(site, "Order Refunded").properties if p.name == "amount")
    assert amount.used_by == ()


def test_library_and_types_know_who_uses_them(tmp_path: Path) -> None:
    plan = site_of(tmp_path).plans[0]
    library = {e.name: e for e in plan.library}
    assert [r.label for r in library["email"].used_by] == ["Order Completed", "identify traits"]
    assert library["unused_entry"].used_by == ()
    assert library["unused_entry"].summary.range == "1 to 9"
    assert library["email"].summary.pii and library["email"].summary.format == "email"
    (item,) = plan.types
    assert item.name == "Item" and [r.label for r in item.used_by] == ["Order Completed"]
    assert [p.path for p in item.properties] == ["sku", "price"]


def test_status_kinds_and_pages(tmp_path: Path) -> None:
    site = site_of(tmp_path)
    assert [(m.kind, m.title, m.href) for m in site.messages()] == [
        ("track", "Order Completed", "shop/events/order-completed"),
        ("track", "Order Refunded", "shop/events/order-refunded"),
        ("track", "Legacy Checkout", "shop/events/legacy-checkout"),
        ("identify", "identify traits", "shop/identify"),
        ("group", "group traits", "shop/group"),
        ("page", "Home (page)", "shop/pages/home"),
        ("screen", "Cart (screen)", "shop/screens/cart"),
    ]
    assert [m.deprecated for m in site.messages()] == [False, False, True] + [False] * 4


def test_conventions_say_what_they_mean(tmp_path: Path) -> None:
    conventions = {c.key: c for c in site_of(tmp_path).plans[0].conventions}
    assert conventions["event_case"].meaning.endswith("\u201cOrder Completed\u201d.")
    assert conventions["property_case"].value == "snake"
    assert conventions["require_owner"].value == "true"
    assert conventions["additional_properties"].value == "warn"


def test_compiled_schema_is_the_one_compile_writes(tmp_path: Path) -> None:
    plan = load(tmp_path, FEATURES)
    site = collect_site([plan], tool_version="0.1.0", history=False)
    assert message(site, "Order Completed").schema == plan.message_schema(
        plan.events["Order Completed"])


# -- examples pass validate -----------------------------------------------------------------------


def errors(plan: Any, example: dict[str, Any]) -> list[str]:
    return [f"{d.code} {d.message}" for d in Validator(plan).validate(example)
            if d.severity is Severity.ERROR or d.code != "PV208"]


def test_every_example_of_the_shipped_plan_passes_validate() -> None:
    plan = load_plan(REPO / "plans" / "ecommerce.yaml")
    for spec in plan.messages():
        example = example_message(spec)
        assert Validator(plan).validate(example) == [], spec.label
        assert set(example[spec.payload_field]) == set(spec.schema.get("properties") or {})


def test_every_example_of_the_feature_plan_passes(tmp_path: Path) -> None:
    site = site_of(tmp_path)
    plan = load(tmp_path, FEATURES)
    for doc in site.messages():
        assert doc.example.passes, doc.title
        assert errors(plan, dict(doc.example.message)) == []
    legacy = message(site, "Legacy Checkout").example
    assert legacy.findings == ("PV208 deprecated-event: Legacy Checkout is deprecated in the plan",)
    items = message(site, "Order Completed").example.message["properties"]["items"]
    assert re.fullmatch(r"SKU-[0-9]{4}", items[0]["sku"])


def test_an_unsatisfiable_schema_says_so(tmp_path: Path) -> None:
    text = FEATURES.replace("placed_at: {type: string, format: date-time}",
                            "placed_at: {type: string, minLength: 5, maxLength: 2}")
    doc = message(site_of(tmp_path, text), "Order Completed")
    assert not doc.example.passes
    assert any("placed_at" in f or "PV206" in f for f in doc.example.findings)


@pytest.mark.parametrize("fragment", [
    "{type: string, minLength: 400000000}", "{type: string, minLength: " + "9" * 50 + "}",
    "{type: array, minItems: 100000000, items: {type: string}}",
    "{type: array, minItems: " + "9" * 50 + ", uniqueItems: true, items: {type: integer}}",
])
def test_an_example_the_plan_asks_to_be_huge_is_capped_and_says_so(tmp_path: Path,
                                                                  fragment: str) -> None:
    """Found by the plan fuzz: `minLength: 400000000` (which lints clean) made docs build a
    400 MB string (1.6 GB of memory, a 382 MB page), 100 million `minItems` ran out of memory,
    and a 50-digit one ended in OverflowError."""
    text = ("protocols: 1\nplan: big\nevents:\n  Big:\n    description: d\n"
            f"    properties:\n      x: {fragment}\n")
    doc = message(site_of(tmp_path, text), "Big")
    assert len(json.dumps(doc.example.message)) < 100_000
    assert not doc.example.passes and doc.example.findings


def test_integer_bounds_beyond_a_float_get_an_example(tmp_path: Path) -> None:
    """Found by the plan fuzz: 400-digit bounds (which lint accepts: validate compares them
    exactly) ended docs in OverflowError, dividing them as floats."""
    low, high = 10 ** 400, 2 * 10 ** 400
    text = ("protocols: 1\nplan: big\nevents:\n  Big:\n    description: d\n"
            f"    properties:\n      x: {{type: integer, minimum: {low}, maximum: {high}}}\n")
    doc = message(site_of(tmp_path, text), "Big")
    assert doc.example.passes and low <= doc.example.message["properties"]["x"] <= high


@pytest.mark.parametrize("pattern", ["(", "(" * 500 + "a" + ")" * 500])
def test_a_pattern_that_is_no_regex_fails_the_example_not_the_command(
        tmp_path: Path, pattern: str) -> None:
    # Found by fuzzing: docs validates its examples, and ended in re.error (RecursionError
    # for the deep group) as validate did. Lint reports the pattern (PL105).
    text = FEATURES.replace('pattern: "^[A-Z]{3,5}$"', f"pattern: '{pattern}'")
    doc = message(site_of(tmp_path, text), "Order Completed")
    assert not doc.example.passes
    assert any(f.startswith("PV204") and "coupon" in f and "not a regular expression" in f
               for f in doc.example.findings), doc.example.findings


@pytest.mark.parametrize("pattern", [
    "^[a-z_]+$", "[0-9]", "^ORD-\\d{3}$", "^(a|b)+$", "^[A-Z][a-z]*$", "^$", "^[^a-z]{2}$",
    "^(?:x|y)z?\\.\\s\\w$", "^(ab)\\1$", "^\\d{4}-\\d{2}-\\d{2}$", "^[A-F0-9]{8}(-[A-F0-9]{4}){3}$",
])
def test_pattern_examples_match(pattern: str) -> None:
    found = pattern_examples(pattern)
    assert found and all(compile_pattern(pattern).search(text) for text in found), found


FRAGMENTS = st.one_of(
    st.builds(lambda lo, span: {"type": "integer", "minimum": lo, "maximum": lo + span},
              st.integers(-50, 50), st.integers(0, 20)),
    st.builds(lambda lo, step: {"type": "number", "exclusiveMinimum": lo, "multipleOf": step},
              st.sampled_from([0, 1, 2.5, -3]), st.sampled_from([0.5, 0.25, 2, 5])),
    st.builds(lambda lo, extra: {"type": "string", "minLength": lo, "maxLength": lo + extra},
              st.integers(0, 10), st.integers(0, 5)),
    st.builds(lambda fmt: {"type": "string", "format": fmt},
              st.sampled_from(["date-time", "date", "time", "email", "uri", "uuid", "ipv4",
                               "ipv6", "hostname", "duration", "custom-thing"])),
    st.builds(lambda p: {"type": "string", "pattern": p},
              st.sampled_from(["^[a-z_]+$", "^ORD-\\d{3}$", "^(a|b)+$", "^[A-Z]{2,4}$",
                               "^\\p{Lu}+$", "^[^0-9]+$"])),
    st.builds(lambda values: {"type": "string", "enum": values},
              st.lists(st.text(st.characters(categories=("L", "N", "P", "Zs")), min_size=1,
                               max_size=5), min_size=1, max_size=4, unique=True)),
    st.builds(lambda n, unique: {"type": "array", "items": {"type": "integer", "minimum": 0},
                                 "minItems": n, "uniqueItems": unique},
              st.integers(0, 3), st.booleans()),
    st.builds(lambda t: {"type": t, "nullable": True},
              st.sampled_from(["string", "integer", "boolean", "Item"])),
    st.just({"type": "object", "properties": {"a": {"type": "boolean", "required": True},
                                              "b": {"type": "Item"}}}),
    st.just({"use": "order_id"}),
    st.just({}),  # the library entry of the same name (currency)
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(FRAGMENTS, min_size=1, max_size=5), st.booleans(), st.booleans())
def test_generated_plans_get_examples_that_pass(tmp_path: Path, fragments: list[dict[str, Any]],
                                                required: bool, strict: bool) -> None:
    props = {}
    for index, fragment in enumerate(fragments):
        name = "currency" if fragment == {} else f"p{index}"
        props[name] = {**fragment, **({"required": True} if required else {})}
    doc = {"protocols": 1, "plan": "gen", "properties": {
        "order_id": {"type": "string", "minLength": 8, "maxLength": 8},
        "currency": {"type": "string", "enum": ["USD", "EUR"]}},
        "types": {"Item": {"type": "object", "properties": {
            "sku": {"type": "string", "pattern": "^S[0-9]{3}$", "required": True}}}},
        "additional_properties": "error" if strict else "warn",
        "events": {"Generated": {"properties": props}}}
    plan = load(tmp_path, json.dumps(doc, ensure_ascii=False), "gen.yaml")
    for spec in plan.messages():
        example = example_message(spec)
        assert Validator(plan).validate(example) == [], (spec.schema, example)


# -- names, slugs and escaping --------------------------------------------------------------------


def test_slugs_are_safe_and_unique() -> None:
    assert slug("Order Completed") == "order-completed"
    assert slug("orderCompleted") == "order-completed"
    assert slug("../../etc/passwd") == "etc-passwd"
    assert slug("<script>") == "script"
    assert slug("CON") == "con-page" and slug("") == "page" and slug("Café") == "cafe"
    names = ["Signed In", "signed_in", "signed-in", "日本"]
    slugs = unique_slugs(names)
    assert len(set(slugs.values())) == 4
    assert all(re.fullmatch(r"[a-z0-9-]+", s) for s in slugs.values())
    # Each keeps its slug whatever the order.
    assert unique_slugs(list(reversed(names))) == slugs


def test_markdown_escaping_shows_text_as_written() -> None:
    assert md("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"
    assert md("[a](javascript:x)") == "\\[a\\](javascript:x)"
    assert md("a|b *c* _d_") == "a\\|b \\*c\\* \\_d\\_"
    assert code("a`b") == "`` a`b ``" and code("x|y") == "`x\\|y`"


def test_hostile_plan_text_never_becomes_markup(tmp_path: Path) -> None:
    site = site_of(tmp_path, HOSTILE)
    pages = build_files(site, "html")
    for text in pages.values():
        assert "<script>window" not in text and "<img src=x" not in text
        assert "<svg onload" not in text
        assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", text, re.I)
        hrefs = re.findall(r'href="([^"]*)"', text)
        assert all(re.fullmatch(r"[a-z0-9./#-]*", h) for h in hrefs), hrefs
    page = pages["hostile/events/script-window-pwned-name-script.html"]
    assert "&lt;script&gt;window.__pwned(&#39;name&#39;)&lt;/script&gt;" in page
    markdown = build_files(site, "markdown")
    for text in markdown.values():
        # Outside code spans (literal text in Markdown) no tag survives, and no link is made.
        prose = re.sub(r"(`+)(?:(?!\1).)+?\1", "", text.split("```")[0])
        assert "<script" not in prose and "<img" not in prose and "<svg" not in prose
        assert not re.search(r"(?<!\\)\]\(javascript:", text)
    assert "`<script>window.__pwned('name')</script>`" not in markdown["README.md"]
    assert "&lt;script&gt;window.\\_\\_pwned('name')&lt;/script&gt;" in markdown["README.md"]


# -- files ----------------------------------------------------------------------------------------


def test_same_plan_same_bytes(tmp_path: Path) -> None:
    first = build_files(site_of(tmp_path), "html")
    second = build_files(site_of(tmp_path), "html")
    assert first == second
    assert build_files(site_of(tmp_path), "markdown") == build_files(site_of(tmp_path), "markdown")
    assert sorted(first) == [
        "index.html", "shop/changelog.html", "shop/conventions.html", "shop/events/legacy-checkout.html",
        "shop/events/order-completed.html", "shop/events/order-refunded.html", "shop/group.html",
        "shop/identify.html", "shop/index.html", "shop/library.html", "shop/pages/home.html",
        "shop/screens/cart.html"]


def test_every_page_is_self_contained(tmp_path: Path) -> None:
    for name, text in build_files(site_of(tmp_path), "html").items():
        policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', text)
        assert policy and html.unescape(policy.group(1)).startswith("default-src 'none'; ")
        assert "<link" not in text and " src=" not in text, name
        assert "url(" not in text and "@import" not in text, name
        # Links stay in the site (http URLs appear only as text, in JSON Schemas).
        assert not re.search(r'(href|src|action)="[a-z]+:', text), name


def test_write_site_replaces_only_its_own_files(tmp_path: Path) -> None:
    out = tmp_path / "site"
    files = build_files(site_of(tmp_path / "p"), "html")
    summary = write_site(files, out, "html")
    assert (summary.written, summary.unchanged, summary.removed) == (len(files), 0, 0)
    assert write_site(files, out, "html").unchanged == len(files)
    stale = out / "shop" / "events" / "gone.html"
    stale.write_text(files["shop/events/order-completed.html"], "utf-8")  # an earlier run's page
    mine = out / "shop" / "notes.html"
    mine.write_text("<p>my notes</p>", "utf-8")
    assert write_site(files, out, "html").removed == 1
    assert not stale.exists() and mine.exists()
    (out / "index.html").write_text("<p>someone else's</p>", "utf-8")
    with pytest.raises(DocsError, match="not written by `protocols docs`"):
        write_site(files, out, "html")
    assert (out / "index.html").read_text("utf-8") == "<p>someone else's</p>"


# -- the command ----------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_command_writes_html_and_markdown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_plan(tmp_path / "plans", FEATURES, "shop.yaml")
    code_, output = run("docs", "--out", "site", "--no-history")
    assert code_ == 0, output
    assert "wrote 12 files to site" in output
    assert (tmp_path / "site" / "shop" / "events" / "order-completed.html").is_file()
    code_, output = run("docs", "--plan", "shop", "--out", "md", "--format", "markdown",
                        "--no-history")
    assert code_ == 0, output
    readme = (tmp_path / "md" / "README.md").read_text("utf-8")
    assert "[Order Completed](shop/events/order-completed.md)" in readme


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "pdf"], "--format takes html or markdown"),
    (["--plan", "nope"], "no plan file or plan id 'nope'"),
])
def test_command_usage_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                              args: list[str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    write_plan(tmp_path / "plans", FEATURES, "shop.yaml")
    code_, output = run("docs", "--out", "site", *args)
    assert code_ == 2 and message in output


def test_command_refuses_to_overwrite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_plan(tmp_path / "plans", FEATURES, "shop.yaml")
    (tmp_path / "index.html").write_text("mine", "utf-8")
    code_, output = run("docs", "--out", ".", "--no-history")
    assert code_ == 2 and "refusing to overwrite" in output
    assert (tmp_path / "index.html").read_text("utf-8") == "mine"


def test_a_broken_plan_is_reported_with_its_position(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_plan(tmp_path / "plans", FEATURES.replace("type: Item}", "type: Itme}"), "shop.yaml")
    result = CliRunner().invoke(app, ["docs", "--out", "site"])
    assert result.exit_code == 1
    assert "PL111" in result.output and "shop.yaml:27" in result.output
    assert not (tmp_path / "site").exists()


def test_a_property_every_event_sends_lists_a_few_and_counts_the_rest(tmp_path: Path) -> None:
    events = {f"Event {i}": {"properties": {"session_id": {}}} for i in range(30)}
    plan = {"protocols": 1, "plan": "many", "properties": {"session_id": {"type": "string"}},
            "events": events}
    site = collect_site([load(tmp_path, json.dumps(plan))], tool_version="x", history=False)
    prop = site.messages()[0].properties[0]
    assert (len(prop.used_by), prop.used_by_more) == (20, 9)
    assert "and 9 more" in build_files(site, "html")["many/events/event-0.html"]
    library = site.plans[0].library[0]
    assert len(library.used_by) == 30  # the library page lists every user


def test_control_characters_in_plan_text_are_written_out(tmp_path: Path) -> None:
    text = FEATURES.replace("description: The order was paid in full.",
                            'description: "Paid\\e[2J in full\\a"')
    site = site_of(tmp_path, text)
    for format in ("html", "markdown"):
        for name, page in build_files(site, format).items():
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", page), (format, name)
    assert "Paid\\x1b[2J in full\\x07" in build_files(site, "html")["index.html"]


def test_an_example_stays_small_however_its_arrays_and_types_nest(tmp_path: Path) -> None:
    """Found by review: caps per string and per array multiply when they nest (100 items of
    100 items of 10,000 characters wrote a 96 MB page; one level more took 23 GB and two
    minutes), and ten properties of the next type nine levels deep never ended."""
    grid = ("{type: array, minItems: 100, items: {type: array, minItems: 100, items: "
            "{type: array, minItems: 100, items: {type: string, minLength: 10000}}}}")
    text = ("protocols: 1\nplan: big\nevents:\n  Big:\n    description: d\n"
            f"    properties:\n      x: {grid}\n")
    doc = message(site_of(tmp_path, text), "Big")
    assert len(json.dumps(doc.example.message)) < 300_000
    assert not doc.example.passes  # the page says the example is not a valid message

    from protocols.docsite.example import MAX_EXAMPLE, Builder

    defs = {f"T{level}": {"type": "object", "properties": {
        f"p{i}": {"$ref": f"#/$defs/T{level + 1}"} for i in range(10)}} for level in range(9)}
    defs["T9"] = {"type": "string", "minLength": 20}
    value = Builder(defs).value({"$ref": "#/$defs/T0"}, "", 0)
    assert len(json.dumps(value)) < 3 * MAX_EXAMPLE


# -- named types are listed once, by reference --------------------------------------------------


def chain(levels: int, fan: int, *, events: int = 1) -> str:
    """A plan where each named type has ``fan`` properties of the next, ``levels`` deep: the
    fields of T0 listed under every use would be ``fan ** levels`` rows."""
    lines = ["protocols: 1", "plan: deep", "types:"]
    for level in range(levels):
        lines += [f"  T{level}:", "    type: object", "    properties:"]
        lines += [f"      p{i}: {{type: T{level + 1}}}" for i in range(fan)]
    lines += [f"  T{levels}: {{type: string}}", "events:"]
    for n in range(events):
        lines += [f"  Deep{n or ''}:", "    description: d", "    properties:",
                  "      root: {type: T0}"]
    return "\n".join(lines) + "\n"


REFS = """\
protocols: 1
plan: refs
types:
  Address:
    type: object
    description: A postal address.
    properties:
      street: {type: string, required: true}
      geo: {type: Geo}
  Geo:
    type: object
    properties:
      lat: {type: number}
      lon: {type: number}
events:
  Order Shipped:
    description: d
    properties:
      billing: {type: Address}
      shipping: {type: [Address, "null"]}
      stops: {type: array, items: {type: Address}}
      box: {type: object, properties: {size: {type: integer}, to: {type: Address}}}
  Order Returned:
    description: d
    properties:
      from: {type: Address}
"""


def test_a_type_used_twice_is_listed_once_and_referred_to(tmp_path: Path) -> None:
    site = site_of(tmp_path, REFS)
    rows = {p.path: p for p in message(site, "Order Shipped").properties}
    # An object written inline is listed under its property; a named type is not.
    assert list(rows) == ["billing", "shipping", "stops", "box", "box.size", "box.to"]
    for path in ("billing", "shipping", "stops", "box.to"):
        assert rows[path].type_name == "Address" and rows[path].by_reference, path
    assert (rows["shipping"].type, rows["stops"].type) == ("Address or null", "array of Address")
    assert not rows["box"].by_reference and not rows["box.size"].by_reference
    types = {t.name: t for t in site.plans[0].types}
    assert [p.path for p in types["Address"].properties] == ["street", "geo"]
    assert types["Address"].properties[1].by_reference  # Geo's fields are Geo's
    assert [p.path for p in types["Geo"].properties] == ["lat", "lon"]
    # Geo is sent by both messages, though only inside an Address.
    assert [r.label for r in types["Geo"].used_by] == ["Order Shipped", "Order Returned"]

    html = build_files(site, "html")
    assert "".join(html.values()).count('data-property="street"') == 1  # the type's section
    assert 'id="type-address"' in html["refs/library.html"]
    assert html["refs/events/order-shipped.html"].count(
        '<a class="type-ref" href="../../refs/library.html#type-address">Address</a>') == 4
    assert html["refs/events/order-returned.html"].count("#type-address") == 1
    markdown = build_files(site, "markdown")
    assert "".join(markdown.values()).count("`street`") == 1
    assert markdown["refs/events/order-shipped.md"].count(
        "[Address](../library.md#type-address)") == 4
    assert '### <a id="type-address"></a>Address' in markdown["refs/library.md"]
    assert "[Geo](library.md#type-geo)" in markdown["refs/library.md"]


@pytest.mark.parametrize("format", ["html", "markdown"])
@pytest.mark.parametrize(("levels", "fan"), [(9, 10), (3, 300)], ids=["deep", "wide"])
def test_named_types_nested_deep_or_wide_are_listed_once(tmp_path: Path, format: str,
                                                          levels: int, fan: int) -> None:
    """Found by review: each use of a named type listed its fields again, so ten properties
    of the next type six levels deep took 56 s and a 785 MB page, and nine levels (10**9
    rows) never ended; 300 properties of 300 of 300 would be 27 million rows."""
    start = time.monotonic()
    site = site_of(tmp_path, chain(levels, fan))
    files = build_files(site, format)
    assert time.monotonic() - start < 10
    deep = message(site, "Deep")
    assert [p.path for p in deep.properties] == ["root"] and deep.properties_more == 0
    assert [len(t.properties) for t in site.plans[0].types] == [fan] * levels + [0]
    suffix = ".html" if format == "html" else ".md"
    page = files[f"deep/events/deep{suffix}"]
    # The property table, the part the plan's types grew: the rest is the (bounded) example.
    assert len(page.split("Example")[0]) < 12_000
    assert len(files[f"deep/library{suffix}"]) < 12_000 + 500 * fan * levels  # a row a field
    assert sum(len(text) for text in files.values()) < 1_000_000


@pytest.mark.parametrize("format", ["html", "markdown"])
def test_an_object_written_inline_lists_at_most_so_many_rows(tmp_path: Path,
                                                            format: str) -> None:
    from protocols.docsite.collect import MAX_PROPERTY_ROWS

    fields = ", ".join(f"f{i}: {{type: object, properties: {{a: {{type: string}}}}}}"
                       for i in range(MAX_PROPERTY_ROWS))
    text = ("protocols: 1\nplan: wide\nevents:\n  Wide:\n    description: d\n"
            f"    properties:\n      big: {{type: object, properties: {{{fields}}}}}\n")
    site = site_of(tmp_path, text)
    wide = message(site, "Wide")
    # big, then f0, f0.a, f1, f1.a...: 1 + 2 * MAX_PROPERTY_ROWS rows in all.
    assert len(wide.properties) == MAX_PROPERTY_ROWS
    assert wide.properties_more == 1 + MAX_PROPERTY_ROWS
    page = build_files(site, format)[f"wide/events/wide.{'html' if format == 'html' else 'md'}"]
    assert f"{1 + MAX_PROPERTY_ROWS} more properties not shown" in page


@pytest.mark.parametrize("required", [False, True], ids=["optional", "required"])
def test_examples_of_types_nested_past_the_depth_are_quick_to_check(tmp_path: Path,
                                                                    required: bool) -> None:
    """Found by review: the example cut values nested deeper than MAX_DEPTH to null, some
    12,000 of them for ten properties of the next type nine levels deep, and reporting them
    took validate a second per message (50 such events: 52 s). Optional ones are now left
    out, and needed ones cost so much of the budget that an example has few."""
    text = chain(9, 10, events=50)
    if required:
        text = re.sub(r"\{type: (T\d)\}", r"{type: \1, required: true}", text)
    start = time.monotonic()
    site = site_of(tmp_path, text)
    build_files(site, "html")
    assert time.monotonic() - start < 10
    example = message(site, "Deep").example
    assert len(json.dumps(example.message)) < 200_000
    if required:  # no example fits: the page says so, and why, in a few lines
        assert not example.passes and 0 < len(example.findings) + example.findings_more < 200
    else:
        assert example.passes and example.findings == ()


def test_library_entries_are_matched_to_messages_in_one_pass(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """Found by review: each library entry read every message's properties again, so 1,000
    entries and 1,000 events of ten properties took docs 24 s (now 3.7 s)."""
    from protocols.docsite import collect

    lines = ["protocols: 1", "plan: lib", "properties:"]
    lines += [f"  l{i}: {{type: string}}" for i in range(100)]
    lines += ["  used: {type: integer, minimum: 1}", "events:"]
    for n in range(100):
        lines += [f"  E{n}:", "    description: d", "    properties:"]
        lines += [f"      q{j}: {{type: integer}}" for j in range(10)]
        lines += ["      used: {}", "      also: {use: used, required: true}"]
    reads: list[str] = []
    read = collect._PlanCollector._raw_payload
    monkeypatch.setattr(collect._PlanCollector, "_raw_payload",
                        lambda self, spec: reads.append(spec.label) or read(self, spec))
    plan = site_of(tmp_path, "\n".join(lines) + "\n").plans[0]
    assert len(reads) <= 2 * 100  # the messages' properties, then the library's uses
    entry = next(e for e in plan.library if e.name == "used")
    assert entry.summary.range == ">= 1" and len(entry.used_by) == 100


def test_the_index_finds_a_message_by_a_field_of_a_type_it_sends(tmp_path: Path) -> None:
    # Item's fields are listed with the type, not under Order Completed's `items`; the search
    # still finds the message by them (and not a message that sends no Item).
    index = build_files(site_of(tmp_path), "html")["index.html"]
    rows = {html.unescape(title): html.unescape(search) for search, title in re.findall(
        r'<tr data-search="([^"]*)".*?<a [^>]*>([^<]+)</a>', index, re.S)}
    assert "sku" in rows["Order Completed"].split()
    assert not any("sku" in text.split() for title, text in rows.items()
                   if title != "Order Completed" and "Item" not in text)
