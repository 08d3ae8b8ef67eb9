"""The Java target through the real tool chain: javac -Xlint:all -Werror against analytics-java,
a program sending every planned call through the real SDK to a 127.0.0.1 collector, and the
mistakes javac must reject. (Every shared vector compiles: tests/test_generate_vectors.py.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from protocols.generate import GenerateOptions, generate, write_files
from protocols.generate.java import METHOD_NAMES, POLICIES
from protocols.generate.jvm import JType, JvmModel, build_jvm_model, java_str
from protocols.generate.model import build_model
from protocols.generate.names import call_methods
from protocols.plan import Plan, load_plan
from tests.conftest import require
from tests.generate_examples import call_examples
from tests.generate_tools import jvm_missing, run_java, run_javac, segment_server
from tests.test_generate_e2e import assert_all_fit, write_e2e_plan


def java_value(value: Any, jtype: JType, jvm: JvmModel) -> str:
    """A Java expression of ``jtype`` for the JSON ``value``."""
    if value is None:
        return "null"
    if jtype.kind == "string":
        return java_str(value)
    if jtype.kind == "long":
        return f"{int(value)}L"
    if jtype.kind == "double":
        return repr(float(value))
    if jtype.kind == "boolean":
        return "true" if value else "false"
    if jtype.kind == "enum":
        enum = next(e for e in jvm.enums.values() if e.name == jtype.name)
        return f"{enum.name}.{enum.constants[enum.values.index(value)]}"
    if jtype.kind == "object":
        cls = next(c for c in jvm.classes.values() if c.name == jtype.name)
        required = ", ".join(java_value(value[f.wire_name], f.type, jvm)
                             for f in cls.fields if f.required)
        setters = "".join(f".{f.ident}({java_value(value[f.wire_name], f.type, jvm)})"
                          for f in cls.fields if not f.required and f.wire_name in value)
        return f"{cls.name}.builder({required}){setters}.build()"
    if jtype.kind == "list":
        assert jtype.item is not None
        return "java.util.List.of(" + ", ".join(java_value(v, jtype.item, jvm) for v in value) + ")"
    if jtype.kind == "map":
        assert jtype.item is not None
        return "java.util.Map.of(" + ", ".join(f"{java_str(k)}, {java_value(v, jtype.item, jvm)}"
                                               for k, v in value.items()) + ")"
    return _any(value)


def _any(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str):
        return java_str(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "java.util.List.of(" + ", ".join(_any(v) for v in value) + ")"
    return "java.util.Map.of(" + ", ".join(f"{java_str(k)}, {_any(v)}"
                                           for k, v in value.items()) + ")"


def calls_source(plan: Plan) -> list[str]:
    """Java statements calling every method of the generated client (minimal and full)."""
    model = build_model(plan)
    jvm = build_jvm_model(model, POLICIES)
    methods = call_methods(model, METHOD_NAMES)
    lines: list[str] = []
    for index, (kind, name, _full, payload) in enumerate(call_examples(plan)):
        call = next(c for c in model.calls if (c.kind, c.wire_name) == (kind, name))
        value = java_value(payload, jvm.payloads[call.sort_key], jvm)
        who = (f'CallOptions.userId("u1").messageId("m-{index}")' if index % 2 else
               f'CallOptions.anonymousId("a1").messageId("m-{index}")')
        args = [who, *(['"g1"'] if kind == "group" else []), value]
        lines.append(f"        tracking.{methods[(kind, name)]}({', '.join(args)});")
    return lines


DRIVER = """
import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.Message;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import shop.tracking.*;

public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws InterruptedException {
        int expected = Integer.parseInt(args[0]);
        CountDownLatch done = new CountDownLatch(expected);
        Analytics analytics = Analytics.builder("test-key")
            .endpoint(System.getenv("COLLECTOR"))
            .flushQueueSize(1000)
            .flushInterval(1, TimeUnit.SECONDS)
            .callback(new Callback() {
                @Override
                public void success(Message message) {
                    done.countDown();
                }

                @Override
                public void failure(Message message, Throwable throwable) {
                    System.err.println("failed: " + throwable);
                    done.countDown();
                }
            })
            .build();
        ProtocolsClient tracking = new ProtocolsClient(analytics);
CALLS
        analytics.flush();
        if (!done.await(60, TimeUnit.SECONDS)) {
            System.err.println("timed out");
        }
        analytics.shutdown();
    }
}
"""


def test_every_planned_call_goes_through_analytics_java_and_fits_the_plan(tmp_path: Path) -> None:
    require(jvm_missing("java") is None, f"java: {jvm_missing('java')}")
    plan = load_plan(write_e2e_plan(tmp_path))
    write_files(generate(plan, GenerateOptions(lang="java", package="shop.tracking")),
                tmp_path / "tracking")
    lines = calls_source(plan)
    (tmp_path / "Main.java").write_text(DRIVER.replace("CALLS", "\n".join(lines)), "utf-8")
    sources = ["Main.java", *sorted(str(p.relative_to(tmp_path))
                                    for p in (tmp_path / "tracking").glob("*.java"))]
    compiled = run_javac(tmp_path, sources)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    with segment_server() as (url, captured):
        run = run_java(tmp_path, "java", "Main", env={"COLLECTOR": url},
                       args=[str(len(lines))])
        messages = captured.messages
    assert run.returncode == 0, run.stderr[-3000:]
    assert len(messages) == len(lines) == 2 * len(list(plan.messages())), run.stderr[-3000:]
    assert_all_fit(plan, messages, len(lines))
    assert {m["type"] for m in messages} == {"track", "identify", "group", "page", "screen"}
    by_id = {m["messageId"]: m for m in messages}
    assert len(by_id) == len(lines)  # every call arrived once, with the message id it was given
    pages = [m for m in messages if m["type"] == "page"]
    assert {m["name"] for m in pages} == {"Home"}


# Each mistake, and what javac must say about it: the error line, then the details that pin
# the reason down (a misspelt enum constant, not a missing enum class; a missing argument, not
# a wrong one).
BAD = {
    "MissingRequired": (
        'OrderCompleted.builder("o1", "EUR", 1.0)',
        ("method builder in class OrderCompleted cannot be applied to given types",
         "found:    String,String,double", "actual and formal argument lists differ in length")),
    "WrongType": (
        'ProductAdded.builder("c", "p").quantity("2")',
        ("incompatible types: String cannot be converted to Double",)),
    "MisspeltEnum": (
        "GroupTraitsPlan.ENTERPRISE",
        ("cannot find symbol", "symbol:   variable ENTERPRISE", "location: class GroupTraitsPlan")),
    "NoUser": (
        'new CallOptions()',
        ("CallOptions() has private access in CallOptions",)),
}


def javac_errors(output: str) -> dict[str, list[str]]:
    """Each javac error as its text (the error line and the indented lines under it), by file."""
    errors: dict[str, list[str]] = {}
    for block in re.split(r"^(?=[\w/.]+\.java:\d+: error: )", output, flags=re.M)[1:]:
        lines = block.splitlines()
        text = "\n".join([lines[0], *(line for line in lines[1:] if line.startswith("  "))])
        errors.setdefault(lines[0].split(":", 1)[0], []).append(text)
    return errors


def test_javac_rejects_each_mistake_and_build_refuses_null(tmp_path: Path) -> None:
    require(jvm_missing("java") is None, f"java: {jvm_missing('java')}")
    # The e-commerce plan with a group whose `plan` trait is an enum (free, pro).
    plan = load_plan(write_e2e_plan(tmp_path))
    write_files(generate(plan, GenerateOptions(lang="java", package="shop")), tmp_path / "shop")
    generated = sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "shop").glob("*.java"))
    for name, (expression, _) in BAD.items():
        (tmp_path / f"{name}.java").write_text(
            f"package shop;\n\nfinal class {name} {{\n    static Object value() {{\n"
            f"        return {expression};\n    }}\n}}\n", "utf-8")
    result = run_javac(tmp_path, [*generated, *(f"{n}.java" for n in BAD)])
    output = result.stdout + result.stderr
    assert result.returncode != 0
    errors = javac_errors(output)
    # One error per mistake, on its line, for its reason; none in the generated code.
    assert sorted(errors) == sorted(f"{name}.java" for name in BAD), output[-3000:]
    for name, (_, messages) in BAD.items():
        (error,) = errors[f"{name}.java"]
        assert error.startswith(f"{name}.java:5: error: "), error
        assert all(message in error for message in messages), (name, error)

    # At runtime, null for a required property is refused before anything is sent.
    (tmp_path / "Refuse.java").write_text("""package shop;

public final class Refuse {
    private Refuse() {
    }

    public static void main(String[] args) {
        try {
            OrderCompleted.builder(null, "EUR", 1.0, java.util.List.of());
            System.out.println("accepted");
        } catch (NullPointerException refused) {
            System.out.println(refused.getMessage());
        }
        System.out.println(OrderCompleted.builder("o", "GBP", 2.5,
            java.util.List.of(Product.builder("p").quantity(2.0).build())).coupon(null).build().toMap());
        System.out.println(GroupTraits.builder(GroupTraitsPlan.PRO).build().toMap());
    }
}
""", "utf-8")
    compiled = run_javac(tmp_path, [*generated, "Refuse.java"], out_dir="ok")
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    run = run_java(tmp_path, "java", "shop.Refuse", classes="ok")
    assert run.stdout.splitlines() == [
        'the plan requires "order_id"',
        "{order_id=o, currency=GBP, total=2.5, products=[{product_id=p, quantity=2.0}]}",
        "{plan=pro}"], run.stderr
