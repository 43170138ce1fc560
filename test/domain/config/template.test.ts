import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import {
  fillPlaceholders,
  renderTemplate,
  type TemplateContext,
} from "../../../src/domain/config/template.js"

const context: TemplateContext = {
  functions: {
    agg_sum: "COALESCE(SUM({select_expr}), 0)",
    agg_any: "COALESCE(LOGICAL_OR({select_expr}), FALSE)",
  },
  experiment: {
    normandy_slug: "my-experiment",
    start_date_str: "2019-12-01",
    end_date_str: new Error('experiment "my-experiment" has no end date'),
  },
  parameters: {
    message_id: { kind: "single", value: "SPOTLIGHT_1" },
    per_branch_id: { kind: "perBranch", values: { control: "A", treatment: "B" } },
  },
}

const render = (template: string) => renderTemplate(template, context)

describe("renderTemplate", () => {
  it("applies a functions.toml helper to its string argument", () => {
    expect(render('{{agg_sum("active_hours_sum")}}')).toEqual(
      Either.right("COALESCE(SUM(active_hours_sum), 0)"),
    )
    expect(render("{{ agg_any('is_default') }} AND x")).toEqual(
      Either.right("COALESCE(LOGICAL_OR(is_default), FALSE) AND x"),
    )
  })

  it('reads """triple-quoted""" arguments as Jinja does, keeping single-brace placeholders', () => {
    const template = `{{agg_any(
    """
        event_string_value = '{experiment_slug}'
    """
)}}`
    expect(render(template)).toEqual(
      Either.right(
        "COALESCE(LOGICAL_OR(\n        event_string_value = '{experiment_slug}'\n    ), FALSE)",
      ),
    )
  })

  it("fills experiment attributes and explains a missing one", () => {
    expect(render("submission_date >= '{{experiment.start_date_str}}'")).toEqual(
      Either.right("submission_date >= '2019-12-01'"),
    )
    expect(render("'{{ experiment.end_date_str }}'")).toEqual(
      Either.left(['experiment "my-experiment" has no end date']),
    )
  })

  it("renders a per-branch parameter as a CASE over the branch, quoted like its placeholder", () => {
    expect(render("message_id = '{{ parameters.per_branch_id }}'")).toEqual(
      Either.right(
        "message_id = CASE e.branch WHEN 'control' THEN 'A' WHEN 'treatment' THEN 'B' END",
      ),
    )
    expect(render("n = {{ parameters.per_branch_id }}")).toEqual(
      Either.right("n = CASE e.branch WHEN 'control' THEN A WHEN 'treatment' THEN B END"),
    )
    expect(render("id = '{{ parameters.message_id }}'")).toEqual(Either.right("id = 'SPOTLIGHT_1'"))
  })

  it("escapes a quote or backslash in a branch name the GoogleSQL way (\\', never '')", () => {
    const quoted = renderTemplate("n = {{ parameters.odd }}", {
      ...context,
      parameters: { odd: { kind: "perBranch", values: { "it's": "1", "a\\b": "2" } } },
    })
    expect(quoted).toEqual(
      Either.right("n = CASE e.branch WHEN 'it\\'s' THEN 1 WHEN 'a\\\\b' THEN 2 END"),
    )
  })

  it("reports every unknown name with the closest known one", () => {
    expect(render("{{agg_summ('x')}} {{experiment.start_date}} {{parameters.mesage_id}}")).toEqual(
      Either.left([
        'unknown function "agg_summ" (did you mean "agg_sum"?)',
        'unknown experiment attribute "start_date" (did you mean "start_date_str"?)',
        'unknown parameter "mesage_id" (did you mean "message_id"?)',
      ]),
    )
  })

  it("renders Jinja statements and expressions, as Jinja does", () => {
    expect(render("{% if parameters.message_id %}a{% else %}b{% endif %}")).toEqual(
      Either.right("a"),
    )
    expect(render("{{ 1 + 2 }}")).toEqual(Either.right("3"))
    expect(render("{% for c in ['a', 'b'] %}{{ agg_sum(c ~ '_sum') }};{% endfor %}")).toEqual(
      Either.right("COALESCE(SUM(a_sum), 0);COALESCE(SUM(b_sum), 0);"),
    )
    expect(render("{{ agg_sum(column) }}")).toEqual(Either.left(['"column" is undefined']))
  })

  it("offers a field only the variables metric-config-parser gives it", () => {
    const functionsOnly = { functions: true, experiment: false, parameters: false }
    expect(renderTemplate("{{ agg_any('x') }}", context, functionsOnly)).toEqual(
      Either.right("COALESCE(LOGICAL_OR(x), FALSE)"),
    )
    expect(renderTemplate("{{ experiment.normandy_slug }}", context, functionsOnly)).toEqual(
      Either.left(['"experiment" is undefined']),
    )
  })
})

describe("fillPlaceholders", () => {
  it("fills known single-brace placeholders and leaves other braces alone", () => {
    expect(
      fillPlaceholders(
        "`moz-fx.{dataset}.events` WHERE x = '{experiment_slug}' AND REGEXP(y, 'a{2}')",
        {
          dataset: "telemetry",
          experiment_slug: "slug-1",
        },
      ),
    ).toBe("`moz-fx.telemetry.events` WHERE x = 'slug-1' AND REGEXP(y, 'a{2}')")
  })
})
