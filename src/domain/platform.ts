import type { EnrollmentsQueryType } from "./config/analysis-configuration.js"

/**
 * The applications Slipstream analyses, with what differs between them
 * (as Jetstream's platform_config.toml: Desktop enrolls through Normandy events,
 * mobile apps through Glean events, the Cirrus web service through Cirrus).
 */
export interface Platform {
  readonly appName: string
  readonly appId: string
  readonly enrollmentsQueryType: EnrollmentsQueryType
}

export const platforms: ReadonlyArray<Platform> = [
  { appName: "firefox_desktop", appId: "firefox-desktop", enrollmentsQueryType: "normandy" },
  { appName: "fenix", appId: "fenix", enrollmentsQueryType: "glean-event" },
  { appName: "focus_android", appId: "org.mozilla.focus", enrollmentsQueryType: "glean-event" },
  { appName: "klar_android", appId: "org.mozilla.klar", enrollmentsQueryType: "glean-event" },
  {
    appName: "firefox_ios",
    appId: "org.mozilla.ios.FirefoxBeta",
    enrollmentsQueryType: "glean-event",
  },
  { appName: "focus_ios", appId: "org.mozilla.ios.Focus", enrollmentsQueryType: "glean-event" },
  { appName: "klar_ios", appId: "org.mozilla.ios.Klar", enrollmentsQueryType: "glean-event" },
  { appName: "monitor_cirrus", appId: "monitor.cirrus", enrollmentsQueryType: "cirrus" },
]

export const platformOf = (appName: string): Platform | undefined =>
  platforms.find((platform) => platform.appName === appName)
