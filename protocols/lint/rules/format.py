"""Format rules: the plan file itself is readable and well formed.

Most of these findings come from the loader (they stop the plan from being built), so they are
registered here without a check: documented, configurable and selectable like every rule.
"""

from __future__ import annotations

from protocols.diagnostics import Severity
from protocols.lint.registry import loader_rule

loader_rule("PL100", "yaml-syntax", category="format", default=Severity.ERROR,
            summary="The file is not valid YAML.", doc="""
    The file cannot be parsed as one YAML document: a syntax error, a tab used for
    indentation, an empty file, several documents in one file, nesting deeper than 64 levels,
    or an alias bomb that would expand to more than 250,000 values.

    Failing:

    ```yaml
    events:
    →Order Completed: {}   # → is a tab character
    ```

    Passing:

    ```yaml
    events:
      Order Completed: {}
    ```
    """)

loader_rule("PL101", "duplicate-key", category="format", default=Severity.ERROR,
            summary="A key appears twice in one mapping.", doc="""
    YAML readers silently keep only the last of two equal keys, so a duplicated event name
    loses the first event without a word. Both positions are reported.

    Failing:

    ```yaml
    events:
      Order Completed: {description: first}
      Order Completed: {description: second}
    ```

    Passing:

    ```yaml
    events:
      Order Completed: {description: first}
      Order Updated: {description: second}
    ```
    """)

loader_rule("PL102", "unknown-key", category="format", default=Severity.ERROR,
            summary="A key the plan format does not know (with a did-you-mean).", doc="""
    Every mapping in a plan has a fixed set of keys (see docs/plan-format.md); a misspelt key
    would otherwise be ignored. Keys starting with `x-` are free for your own use.

    Failing:

    ```yaml
    properties:
      order_id: {type: string, requried: true}
    ```

    Passing:

    ```yaml
    properties:
      order_id: {type: string, required: true}
    ```
    """)

loader_rule("PL103", "invalid-value", category="format", default=Severity.ERROR,
            summary="A value of the wrong type or shape for its key.", doc="""
    A value does not fit the plan format: a list where a mapping belongs, a number where a
    string belongs (`version: 1.2` is read by YAML as a number: quote it), an unknown
    `additional_properties` policy, a missing `plan:` id.

    Failing:

    ```yaml
    protocols: 1
    plan: shop
    version: 1.2
    ```

    Passing:

    ```yaml
    protocols: 1
    plan: shop
    version: "1.2.0"
    ```
    """)

loader_rule("PL108", "unresolved-reference", category="format", default=Severity.ERROR,
            summary="A reference that resolves to nothing, or that goes round in place.",
            doc="""
    A property with no type (`order_id: {required: true}`) refers to the property library
    entry of the same name; `use: name` refers to another entry. Either must exist, and a
    library entry cannot contain itself.

    In a raw `schema:` block, `$ref` and `$dynamicRef` may point at the payload (`#`), at a
    named type (`#/$defs/Name`) or at a schema inside one (`#/$defs/Name/properties/zip`,
    escaped as JSON pointers are: `~1` for `/`, `~0` for `~`, `%25` for `%`). Anything else
    points at nothing `validate` could check against: a missing name, a place that is not a
    schema (`#/$defs/Name/enum/0`, `#/$defs/Name/properties`), the payload's own properties,
    an anchor (`#name`). A raw block may not set `$id` either: below it JSON Schema resolves
    `#` and `#/$defs/Name` against that schema instead, where the plan's types are not.

    A reference must also describe some value before it comes back: a type that is only
    itself (`T: {type: T}`, `T: {type: [U, "null"]}` with `U: {type: T}`, or the same with
    `$ref` or `$dynamicRef`), or a payload that refers to itself in place
    (`schema: {anyOf: [{$ref: "#"}]}`, directly or through a type), never reaches a value:
    checking it would never end. A recursive shape refers to itself inside `properties` or
    `items` (a tree), which is fine.

    Failing:

    ```yaml
    properties:
      order_id: {type: string}
    types:
      Node: {type: [Tree, "null"]}
      Tree: {anyOf: [{type: Node}]}
    events:
      Order Completed:
        properties:
          orderid: {required: true}
          zip: {schema: {$ref: "#/$defs/Address/properties/zip"}}
      Comment Posted:
        schema: {anyOf: [{$ref: "#"}, {required: [text]}]}
    ```

    Passing:

    ```yaml
    properties:
      order_id: {type: string}
    types:
      Address:
        type: object
        properties:
          zip: {type: string}
    events:
      Order Completed:
        properties:
          order_id: {required: true}
          zip: {schema: {$ref: "#/$defs/Address/properties/zip"}}
      Comment Posted:
        properties:
          text: {type: string}
          replies: {type: array, items: {schema: {$ref: "#"}}}
    ```
    """)

loader_rule("PL110", "encoding", category="format", default=Severity.ERROR,
            summary="The file is not UTF-8 text.", doc="""
    Plans are UTF-8 text (a byte-order mark is accepted). The first byte that is not valid
    UTF-8, or a NUL byte, is reported with its line and column.

    Failing: a file saved as Latin-1 with `description: Café` (byte 0xe9).

    Passing: the same file saved as UTF-8.
    """)

loader_rule("PL111", "unknown-type", category="format", default=Severity.ERROR,
            summary="`type:` names neither a JSON type nor a type from `types`.", doc="""
    `type` takes a JSON type (string, number, integer, boolean, object, array, null), a list
    of them, or the name of a shape defined under `types`.

    Failing:

    ```yaml
    properties:
      price: {type: float}
    ```

    Passing:

    ```yaml
    properties:
      price: {type: number}
    ```
    """)

loader_rule("PL112", "import-error", category="format", default=Severity.ERROR,
            summary="An imported library file cannot be read or is not a library.", doc="""
    Every entry of `imports:` is a path, relative to the plan, to a file with `library:`
    instead of `plan:`. It must exist and be a valid library. Plans come from anyone, so an
    import must stay inside the project folder (the repository, or the plan's folder outside
    one): an absolute path, a `..` that climbs out, or a link that leads out is refused
    without reading the file, as are devices, pipes, folders and files over 32 MiB. The
    finding points at the `imports:` entry and never shows the refused file's content.

    Failing:

    ```yaml
    imports: [shared/missing.yaml]
    ```

    Passing:

    ```yaml
    imports: [shared/common.yaml]   # a file that starts: protocols: 1 / library: common
    ```
    """)

loader_rule("PL113", "unreadable-file", category="format", default=Severity.ERROR,
            summary="A plan file that cannot be read at all.", doc="""
    The operating system refused to read the file (permissions, a folder named like a plan,
    a broken link), or protocols refused to: a file that is a link leading out of the project
    folder, a device or pipe, or a file over 32 MiB is never read. The message carries the
    reason.

    Failing: `plans/shop.yaml` with permissions `000`.

    Passing: the same file readable by the user running `protocols`.
    """)

loader_rule("PL115", "expansion-limit", category="format", default=Severity.ERROR,
            summary="Library entries used inside library entries multiply past a limit.",
            doc="""
    A library entry (`properties:` of the plan or of an imported library) is copied into every
    place that uses it, so entries whose properties use other entries multiply: ten
    properties of the next entry, five entries deep, are 111,110 copies for a single use, and
    every command would take minutes to load the plan. Plans come from anyone, so loading
    stops when one use of an entry (in a message, a type, or the library checked on its own)
    expands more than 2,000 entries inside it, or the whole plan more than 100,000 (a product
    entry whose eight fields use other entries makes eight copies a use: 12,500 uses), and
    this finding points at the `use:` (or the property) where it stopped. Named types
    (`types:`) are kept by reference, once, whatever their nesting: a shape used in many
    places inside other shapes belongs there.

    Failing (with `l2`, `l3`... built the same way, five deep):

    ```yaml
    properties:
      l1:
        type: object
        properties:
          a: {use: l2}
          b: {use: l2}
          # ... ten of them
    ```

    Passing:

    ```yaml
    types:
      L1:
        type: object
        properties:
          a: {type: L2}
          b: {type: L2}
    ```
    """)

loader_rule("PL114", "external-reference", category="format", default=Severity.ERROR,
            summary="A `$ref` that points outside the plan (a URL or another file).", doc="""
    References in raw `schema:` blocks (and in `x-segment-*` keys that export writes back)
    must point into the same document: `#/$defs/Name`. A reference to `https://...` or
    `file:///...` would make validators fetch a schema over the network or read a file
    outside the repository; plans come from anyone, so protocols never does either. The plan
    does not load until the reference is replaced by a named type (`types:`) or a library
    entry, so `validate`, `compile`, `export` and `generate` refuse it too.

    Failing:

    ```yaml
    properties:
      address:
        schema: {$ref: "https://example.com/address.json"}
    ```

    Passing:

    ```yaml
    types:
      Address: {type: object, properties: {city: {type: string}}}
    properties:
      address: {type: Address}
    ```
    """)
