import type { TelemetrySources } from "../sql/enrollments-query.js"
import { dateLiteral, stringLiteral } from "../sql/identifiers.js"
import { type DemoExperiment, demoExperiments } from "./demo-calendar.js"

/**
 * SQL (DuckDB's own dialect, avoiding the names the BigQuery rewrite translates, such as
 * DATE_DIFF) that generates the demo warehouse inside DuckDB: every random
 * draw is a hash of (seed, client, purpose[, day]), so the same seed gives the same
 * telemetry, and a million clients take seconds, not a JavaScript loop.
 *
 * Tables: `demo_clients` (the ground truth: experiment, branch, enrollment and exposure
 * dates per client), `desktop_events` (Normandy enrollment and exposure events) and
 * `clients_daily` (one row per client and active day: active hours, URIs, searches, ad
 * clicks, sidebar opens, whether the profile is new, the experiments the client is in).
 */
/** Where the demo warehouse keeps the events the enrollments query reads. */
export const demoTelemetrySources: TelemetrySources = { desktopEvents: "desktop_events" }

export interface DemoSettings {
  readonly clients: number
  readonly seed: number
}

export interface DemoTable {
  readonly table: string
  readonly sql: string
}

/** A uniform draw in [0, 1) from a hash of the seed, the client and a purpose. */
// One string per draw: DuckDB's multi-argument hash combines the arguments' hashes in a way
// that leaves draws for different purposes correlated.
const uniform = (seed: number, purpose: string, ...keys: ReadonlyArray<string>): string =>
  `(hash(concat_ws('/', ${[Math.trunc(seed), stringLiteral(purpose), ...keys].join(", ")})) / 18446744073709551616.0)`

/** A standard normal draw by Box–Muller from two uniforms. */
const normal = (seed: number, purpose: string, ...keys: ReadonlyArray<string>): string =>
  `(sqrt(-2 * ln(greatest(${uniform(seed, `${purpose}/u`, ...keys)}, 1e-12))) * cos(2 * pi() * ${uniform(seed, `${purpose}/v`, ...keys)}))`

/** CASE over cumulative shares: which experiment (or branch) a uniform draw falls in. */
const pick = <T>(
  draw: string,
  options: ReadonlyArray<T>,
  weight: (option: T) => number,
  value: (option: T) => string,
) => {
  const total = options.reduce((sum, option) => sum + weight(option), 0)
  let cumulative = 0
  const arms = options.map((option) => {
    cumulative += weight(option) / total
    return `WHEN ${draw} < ${cumulative.toFixed(12)} THEN ${value(option)}`
  })
  // The last cumulative share is 1, so every draw in [0, 1) has an arm.
  return `CASE ${arms.join(" ")} END`
}

const effectCase = (
  experiments: ReadonlyArray<DemoExperiment>,
  effect: "activeHours" | "uriCount" | "searchCount",
) => {
  const arms = experiments.flatMap((experiment) =>
    experiment.branches
      .filter((branch) => (branch.effects[effect] ?? 1) !== 1)
      .map(
        (branch) =>
          `WHEN c.experiment = ${stringLiteral(experiment.slug)} AND c.branch = ${stringLiteral(branch.slug)} THEN ${branch.effects[effect]}`,
      ),
  )
  return arms.length === 0 ? "1.0" : `(CASE ${arms.join(" ")} ELSE 1.0 END)`
}

export const demoTelemetryTables = (
  settings: DemoSettings,
  experiments: ReadonlyArray<DemoExperiment> = demoExperiments,
): ReadonlyArray<DemoTable> => {
  const { seed } = settings
  const i = "i"
  const experimentOf = pick(
    uniform(seed, "experiment", i),
    experiments,
    (e) => e.share,
    (e) => stringLiteral(e.slug),
  )
  const column = (valueFor: (experiment: DemoExperiment) => string) =>
    `CASE experiment ${experiments.map((e) => `WHEN ${stringLiteral(e.slug)} THEN ${valueFor(e)}`).join(" ")} END`
  const branchOf = `CASE experiment ${experiments
    .map(
      (e) =>
        `WHEN ${stringLiteral(e.slug)} THEN ${pick(
          uniform(seed, "branch", i),
          e.branches,
          (b) => b.ratio,
          (b) => stringLiteral(b.slug),
        )}`,
    )
    .join(" ")} END`
  const clients = `SELECT
    i,
    'client-' || i AS client_id,
    'group-' || (i // 2) AS profile_group_id,
    CAST(floor(${uniform(seed, "sample", i)} * 100) AS INTEGER) AS sample_id,
    experiment,
    ${branchOf} AS branch,
    CAST(${column((e) => dateLiteral(e.startDate))} + CAST(floor(${uniform(seed, "enrollment", i)} * (${column((e) => `${e.enrollmentPeriod + 1}`)})) AS INTEGER) AS DATE) AS enrollment_date,
    ${column((e) => dateLiteral(e.lastDate))} AS last_date,
    ${uniform(seed, "new", i)} < 0.3 AS is_new_profile,
    0.25 + 0.65 * ${uniform(seed, "propensity", i)} AS active_propensity,
    exp(0.3 + 0.7 * ${normal(seed, "hours", i)}) AS base_hours,
    ${uniform(seed, "exposed", i)} < 0.75 AS exposed,
    CAST(floor(${uniform(seed, "exposure-day", i)} * 12) AS INTEGER) AS exposure_delay,
    ${uniform(seed, "duplicate", i)} < 0.1 AS duplicate_enrollment
  FROM (SELECT i, ${experimentOf} AS experiment FROM range(${Math.trunc(settings.clients)}) t(i))`
  const truth = `SELECT *, CASE WHEN exposed THEN CAST(enrollment_date + exposure_delay AS DATE) END AS exposure_date FROM (${clients})`
  const enrollmentEvent = (
    dateExpression: string,
  ) => `SELECT client_id, profile_group_id, sample_id, ${dateExpression} AS submission_date,
      'normandy' AS event_category, 'enroll' AS event_method, experiment AS event_string_value,
      [{'key': 'branch', 'value': branch}] AS event_map_values
    FROM demo_clients`
  const events = `${enrollmentEvent("enrollment_date")}
  UNION ALL ${enrollmentEvent("enrollment_date")} WHERE duplicate_enrollment
  UNION ALL SELECT client_id, profile_group_id, sample_id, exposure_date, 'normandy', 'exposure', experiment,
      [{'key': 'branchSlug', 'value': branch}]
    FROM demo_clients WHERE exposure_date IS NOT NULL AND exposure_date <= last_date`
  const day = "d.submission_date"
  const dayKey = "CAST(d.day AS VARCHAR)"
  const afterEnrollment = `${day} >= c.enrollment_date`
  const daily = `SELECT
    c.client_id,
    c.profile_group_id,
    c.sample_id,
    ${day} AS submission_date,
    round(c.base_hours * exp(0.5 * ${normal(seed, "daily-hours", "c.i", dayKey)}) * CASE WHEN ${afterEnrollment} THEN ${effectCase(experiments, "activeHours")} ELSE 1.0 END, 3) AS active_hours_sum,
    CAST(round(c.base_hours * 20 * exp(0.4 * ${normal(seed, "daily-uri", "c.i", dayKey)}) * CASE WHEN ${afterEnrollment} THEN ${effectCase(experiments, "uriCount")} ELSE 1.0 END) AS BIGINT) AS uri_count,
    CAST(floor(4 * ${uniform(seed, "daily-search", "c.i", dayKey)} * CASE WHEN ${afterEnrollment} THEN ${effectCase(experiments, "searchCount")} ELSE 1.0 END) AS BIGINT) AS search_count,
    CAST(floor(0.4 * ${uniform(seed, "daily-ad", "c.i", dayKey)} * 4 * ${uniform(seed, "daily-search", "c.i", dayKey)}) AS BIGINT) AS ad_clicks,
    CASE WHEN c.exposure_date IS NOT NULL AND ${day} >= c.exposure_date THEN 1 ELSE 0 END AS sidebar_opens,
    c.is_new_profile,
    CASE WHEN ${afterEnrollment} THEN [{'key': c.experiment, 'value': c.branch}] ELSE [] END AS experiments
  FROM demo_clients c,
    LATERAL (SELECT day, CAST(c.enrollment_date - 28 + CAST(day AS INTEGER) AS DATE) AS submission_date
             FROM range(0, (c.last_date - c.enrollment_date) + 29) r(day)) d
  WHERE ${day} = c.enrollment_date OR ${uniform(seed, "active", "c.i", dayKey)} < c.active_propensity`
  return [
    { table: "demo_clients", sql: truth },
    { table: "desktop_events", sql: events },
    { table: "clients_daily", sql: daily },
  ]
}
