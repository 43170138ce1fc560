import { Layer, Logger, LogLevel } from "effect"
import type { LoggingOptions } from "./run-options.js"

/**
 * Readable lines (logfmt) on stderr, stdout being for data: every command's default. On a
 * terminal the line is cleared first, so a log does not land on the progress bar's line.
 */
export const textLogger = Logger.make((options) => {
  const clear = process.stderr.isTTY === true ? "\r\x1b[2K" : ""
  process.stderr.write(`${clear}${Logger.logfmtLogger.log(options)}\n`)
})

/**
 * One JSON object per line on stderr, with `severity` as Cloud Logging reads it, the
 * message, the time and the annotations (experiment, purpose, milliseconds, bytes, ...).
 */
export const jsonLineLogger = Logger.make(({ logLevel, message, annotations, date }) => {
  const text = Array.isArray(message) ? message.map(String).join(" ") : String(message)
  const fields = Object.fromEntries(
    [...annotations].map(([key, value]) => [
      key,
      typeof value === "bigint" ? Number(value) : value,
    ]),
  )
  process.stderr.write(
    `${JSON.stringify({ severity: logLevel.label, time: date.toISOString(), message: text, ...fields })}\n`,
  )
})

const logLevels = {
  debug: LogLevel.Debug,
  info: LogLevel.Info,
  warning: LogLevel.Warning,
  error: LogLevel.Error,
} as const

/** `--log-format` and `--log-level`: the logger replaces the default text one. */
export const loggerLayer = (options: LoggingOptions) =>
  Layer.merge(
    options.logFormat === "json" ? Logger.replace(textLogger, jsonLineLogger) : Layer.empty,
    Logger.minimumLogLevel(logLevels[options.logLevel]),
  )
