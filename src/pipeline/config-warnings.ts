import type { AnalysisConfiguration } from "../domain/config/analysis-configuration.js"
import type { IsoDate } from "../domain/dates.js"
import { type Problem, problemAt } from "./problem.js"

/** The exception type of a configuration warning in the logs table. */
export const configurationWarningType = "ConfigurationWarning"

/**
 * An experiment's configuration warnings (an unknown key, a statistic that is not computed)
 * as problems of the experiment at level WARNING: the analysis runs, and the logs say what
 * of its configuration was ignored, naming the file and the key path.
 */
export const configWarningProblems = (
  configuration: AnalysisConfiguration,
  date: IsoDate,
  now: Date,
): ReadonlyArray<Problem> =>
  configuration.warnings.map(({ file, path, message }) =>
    problemAt(
      { experiment: configuration.experiment.slug, analysisDate: date },
      {
        message: [file, path, message]
          .filter((part) => part !== undefined && part !== "")
          .join(": "),
        exceptionType: configurationWarningType,
        level: "WARNING",
      },
      { filename: "src/pipeline/config-warnings.ts", funcName: "configWarningProblems" },
      now,
    ),
  )
