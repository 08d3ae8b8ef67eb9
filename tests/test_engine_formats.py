"""The quick format answers (fastschema/formats.py) never say yes where jsonschema says no."""

from __future__ import annotations

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.validate.check.engine import compile_checks
from protocols.validate.check.fastschema.formats import QUICK

CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER

# URL-like text: the characters URLs are made of, and some they must not contain.
_PIECES = st.sampled_from(["https", "http", "mailto", "urn", "a+b.c-d", "1x", "", ":", "//",
                           "/", "?", "#", "@", "%", "%2F", "%zz", "[", "]", "[::1]", "::",
                           ".", "-", "_", "~", "!", "$", "&", "'", "(", ")", "*", "+", ",",
                           ";", "=", "shop.example", "p", "42", " ", "\n", "\t", "\u00e9",
                           "\u00a0", "\\", "{", "|", "^", "`", '"', "<", ">", "user:pw"])
urls = st.lists(_PIECES, max_size=14).map("".join)


@pytest.mark.parametrize("name", sorted(QUICK))
@settings(max_examples=1500, deadline=None)
@given(text=urls | st.text(max_size=30))
def test_a_quick_yes_is_a_yes_of_the_full_check(name: str, text: str) -> None:
    if QUICK[name](text):
        assert CHECKER.conforms(text, name)


@pytest.mark.parametrize("text", [
    "https://shop.example/p/linen-white-skillet-d9492-5802654?ref=ad",
    "https://cdn.shop.example/img/36s7veydge4h/320.webp", "http://localhost:8080/",
    "https://www.nordlabs-ab12.example", "ftp://x/y#frag", "a://", "urn://a/b?c=d&e=f;g"])
def test_plain_urls_take_the_quick_answer(text: str) -> None:
    assert QUICK["uri"](text)
    assert CHECKER.conforms(text, "uri")


@pytest.mark.parametrize(("text", "valid"), [
    ("https://user:pw@shop.example/", True),      # user info: the full check decides
    ("https://shop.example/caf%C3%A9", True),     # a percent escape
    ("https://[::1]:8080/", True),                # an IPv6 literal
    ("mailto:ada@example.com", True),             # no "//"
    ("https://shop.example/\n", True),            # rfc3986-validator's "$" takes a newline
    ("shop.example/p/123", False), ("https://shop example/", False),
    ("https://shop.example/%zz", False), ("", False), ("https://shop.example/\u00e9", False),
])
def test_other_urls_are_left_to_the_full_check(text: str, valid: bool) -> None:
    assert not QUICK["uri"](text)
    assert CHECKER.conforms(text, "uri") is valid
    engine_valid, engine_check = compile_checks({"type": "string", "format": "uri"})
    assert engine_valid(text) is valid
    assert (engine_check(text) == []) is valid
