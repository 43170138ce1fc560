import { describe, expect, it } from "@effect/vitest"
import { closestMatch, didYouMean, keyPath } from "../../../src/domain/config/config-issue.js"

describe("keyPath", () => {
  it("spells paths as TOML does, quoting keys that need it", () => {
    expect(keyPath("metrics", "active_hours", "statistics")).toBe("metrics.active_hours.statistics")
    expect(keyPath("metrics", "a b")).toBe('metrics."a b"')
    expect(keyPath("metrics", "x", "pre_treatments", 1)).toBe("metrics.x.pre_treatments[1]")
  })
})

describe("closestMatch", () => {
  it("suggests a plausible typo and nothing for an unrelated word", () => {
    expect(closestMatch("descriptions", ["description", "friendly_name"])).toBe("description")
    expect(closestMatch("selct_expression", ["select_expression", "data_source"])).toBe(
      "select_expression",
    )
    expect(closestMatch("zzz", ["select_expression", "data_source"])).toBeUndefined()
    expect(didYouMean("bootstrap_means", ["bootstrap_mean", "binomial"])).toBe(
      ' (did you mean "bootstrap_mean"?)',
    )
  })
})
