import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { renderJinja } from "../../../../src/domain/config/jinja/render.js"
import { Callable, Namespace, type Value } from "../../../../src/domain/config/jinja/values.js"

/**
 * The engine against Jinja's own behaviour: each expected output is what Jinja 3.1 renders
 * with Environment(autoescape=False, undefined=StrictUndefined), metric-config-parser's.
 */
const upper = new Callable("shout", (args) => String(args[0]).toUpperCase())
const experiment = new Namespace("experiment", (attribute) =>
  attribute === "normandy_slug" ? "my-slug" : { undefinedBecause: `no ${attribute}` },
)
const variables = new Map<string, Value>([
  ["shout", upper],
  ["experiment", experiment],
  ["items", ["a", "b", "c"]],
  ["n", 7],
])
const render = (template: string) => renderJinja(template, variables)
const rendered = (template: string) => Either.getOrThrow(render(template))
const problems = (template: string) =>
  Either.match(render(template), {
    onLeft: (left) => left.map((p) => p.message),
    onRight: () => [],
  })

describe("string literals", () => {
  it("reads every quoting style, with Python's escapes", () => {
    expect(
      rendered(`{{ 'single' }} {{ "double" }} {{ 'it\\'s' }} {{ "a\\tb" }} {{ '\\u00e9' }}`),
    ).toBe("single double it's a\tb é")
  })

  it("concatenates adjacent literals, which is how a triple-quoted string reads", () => {
    expect(rendered(`{{ "a" 'b' "c" }}`)).toBe("abc")
    expect(rendered(`{{ shout("""\n  x = 1\n""") }}`)).toBe("\n  X = 1\n")
  })

  it("keeps {{ }} inside a string argument as text, even across lines", () => {
    const template = `{{shout(\n    """\n    -- '{{experiment.normandy_slug}}'\n    a\n    """\n)}}`
    expect(rendered(template)).toBe("\n    -- '{{EXPERIMENT.NORMANDY_SLUG}}'\n    A\n    ")
  })
})

describe("expressions", () => {
  it("evaluates Python arithmetic, with ints and floats kept apart", () => {
    expect(
      rendered(
        "{{ 1 + 2 }} {{ 7 / 2 }} {{ 4 / 2 }} {{ 7 // 2 }} {{ -7 % 3 }} {{ 2 ** 10 }} {{ 0.1 + 0.2 }}",
      ),
    ).toBe("3 3.5 2.0 3 2 1024 0.30000000000000004")
  })

  it("concatenates with ~ and compares and tests as Jinja does", () => {
    expect(rendered("{{ n ~ '-' ~ experiment.normandy_slug }}")).toBe("7-my-slug")
    expect(
      rendered("{{ 1 < n <= 7 }} {{ 'b' in items }} {{ 'z' not in items }} {{ n is odd }}"),
    ).toBe("True True True True")
    expect(
      rendered("{{ 'yes' if n > 5 else 'no' }} {{ none }} {{ [1, 'a'] }} {{ {'k': 1} }}"),
    ).toBe("yes None [1, 'a'] {'k': 1}")
  })

  it("reads attributes, items and slices", () => {
    expect(
      rendered("{{ items[0] }}{{ items[-1] }}{{ items[1:] }}{{ 'abc'.upper() }}{{ items.1 }}"),
    ).toBe("ac['b', 'c']ABCb")
  })

  it("applies filters, with arguments", () => {
    expect(
      rendered("{{ items | join(', ') | upper }} {{ ' x ' | trim }} {{ items | length }}"),
    ).toBe("A, B, C x 3")
    expect(
      rendered("{{ missing | default('fallback') }} {{ 2.5 | round }} {{ '3' | int + 1 }}"),
    ).toBe("fallback 2.0 4")
  })
})

describe("statements", () => {
  it("renders if / elif / else", () => {
    expect(rendered("{% if n > 10 %}big{% elif n > 5 %}mid{% else %}small{% endif %}")).toBe("mid")
  })

  it("renders for loops with loop variables, an inline filter and else", () => {
    expect(
      rendered(
        "{% for x in items if x != 'b' %}{{ loop.index }}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}",
      ),
    ).toBe("1a,2c")
    expect(rendered("{% for x in [] %}{{ x }}{% else %}empty{% endfor %}")).toBe("empty")
  })

  it("assigns with set, in both forms, scoped to the loop", () => {
    expect(rendered("{% set a = n * 2 %}{{ a }}{% set b %}<{{ a }}>{% endset %}{{ b }}")).toBe(
      "14<14>",
    )
  })

  it("controls whitespace with - and drops one trailing newline", () => {
    expect(rendered("a  {%- if true -%}  b  {%- endif %}\n")).toBe("ab")
    expect(rendered("x {# a comment #}y {% raw %}{{ kept }}{% endraw %}")).toBe("x y {{ kept }}")
  })
})

describe("undefined names (StrictUndefined)", () => {
  it("fails on printing, iterating or reading an undefined name", () => {
    expect(problems("{{ nope }}")).toEqual(['"nope" is undefined (did you mean "n"?)'])
    expect(problems("{% for x in nope %}{% endfor %}")).toHaveLength(1)
    expect(problems("{{ experiment.nothing }}")).toEqual(["no nothing"])
  })

  it("lets `is defined` and `default` look at one", () => {
    expect(rendered("{{ nope is defined }} {{ nope is undefined }}")).toBe("False True")
  })

  it("reports every failing expression of a template, with its line", () => {
    const result = render("{{ a }}\n{{ b }}")
    expect(Either.isLeft(result) && result.left.map((p) => p.line)).toEqual([1, 2])
  })
})

describe("syntax errors", () => {
  it("refuses what Jinja refuses", () => {
    expect(problems("{{ d10d0bf8-f5b5-c8b4-a8b2-2b9879e08c5d }}")[0]).toMatch(
      /template syntax error/,
    )
    expect(problems("{% if x %}unclosed")[0]).toMatch(/template syntax error/)
    expect(problems("{{ x | nosuchfilter }}")).toEqual(["No filter named 'nosuchfilter'."])
    expect(problems("{% macro m() %}{% endmacro %}")[0]).toMatch(/'macro' tag is not supported/)
  })
})
