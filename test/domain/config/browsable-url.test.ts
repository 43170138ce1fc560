import { describe, expect, it } from "@effect/vitest"
import {
  fileAddress,
  isHttpUrl,
  webAddressOfRemote,
} from "../../../src/domain/config/browsable-url.js"

describe("web addresses of configuration files", () => {
  it("reads the remotes git records, and refuses what is not a web host", () => {
    expect(webAddressOfRemote("git@github.com:mozilla/metric-hub.git")).toBe(
      "https://github.com/mozilla/metric-hub",
    )
    expect(webAddressOfRemote("https://github.com/mozilla/metric-hub.git")).toBe(
      "https://github.com/mozilla/metric-hub",
    )
    expect(webAddressOfRemote("https://x-access-token:secret@github.com/mozilla/metric-hub/")).toBe(
      "https://github.com/mozilla/metric-hub",
    )
    expect(webAddressOfRemote("ssh://git@gitlab.example.org:2222/data/configs.git")).toBe(
      "https://gitlab.example.org/data/configs",
    )
    expect(webAddressOfRemote("/srv/git/metric-hub.git")).toBeUndefined()
    expect(webAddressOfRemote("file:///srv/git/metric-hub.git")).toBeUndefined()
    expect(webAddressOfRemote("../metric-hub")).toBeUndefined()
  })

  it("joins a base and a relative path, each part escaped", () => {
    expect(
      fileAddress("https://github.com/mozilla/metric-hub/blob/main/", "jetstream/my exp.toml"),
    ).toBe("https://github.com/mozilla/metric-hub/blob/main/jetstream/my%20exp.toml")
  })

  it("accepts only absolute http(s) URLs, as Experimenter's reader does", () => {
    expect(isHttpUrl("https://github.com/mozilla/metric-hub/blob/main/jetstream/x.toml")).toBe(true)
    expect(isHttpUrl("/work/config/x.toml")).toBe(false)
    expect(isHttpUrl("file:///work/config/x.toml")).toBe(false)
    expect(isHttpUrl("github.com/x")).toBe(false)
  })
})
