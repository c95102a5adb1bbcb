/**
 * Opt-in logging of the request path: each attempt and its answer (`debug`), each retry
 * (`info`), each failed call (`warn`). Lines name the method, URL, status, timing and error,
 * never a header or a body, so no credential can reach a log.
 *
 * @module
 */

/**
 * How much to log: `debug` (every attempt and response, plus all below), `info` (retries and
 * failures), `warn` (failed calls only), or `off`.
 *
 * @example From the environment
 * ```ts
 * import type { LogLevel } from "@peaqos/peaq-os-sdk";
 *
 * const level: LogLevel = "info";
 * ```
 */
export type LogLevel = "debug" | "info" | "warn" | "off";

/**
 * Where log lines go; `console` is one.
 *
 * @example Send SDK logs to a structured logger
 * ```ts
 * import { type Logger, PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const lines: string[] = [];
 * const logger: Logger = {
 *   debug: (line) => lines.push(`debug ${line}`),
 *   info: (line) => lines.push(`info ${line}`),
 *   warn: (line) => lines.push(`warn ${line}`),
 * };
 * const client = new PeaqosClient({
 *   orchestrationUrl: "https://orchestration.peaq.xyz",
 *   logger,
 *   logLevel: "debug",
 * });
 * ```
 */
export type Logger = {
  debug(line: string): void;
  info(line: string): void;
  warn(line: string): void;
};

const RANK: Readonly<Record<LogLevel, number>> = {
  debug: 0,
  info: 1,
  warn: 2,
  off: 3,
};

/** Writes one line at a level. @internal */
export type Log = (level: Exclude<LogLevel, "off">, line: string) => void;

/**
 * Whether `value` names a log level (as `PEAQOS_LOG` may).
 *
 * @internal
 */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && Object.hasOwn(RANK, value);
}

/**
 * A log function writing lines at `level` and above to `logger`, prefixed `peaq-os-sdk:`, or
 * `undefined` when nothing would be logged. A logger that throws is ignored: logging must not
 * fail a call.
 *
 * @internal
 */
export function createLog(logger: Logger, level: LogLevel): Log | undefined {
  if (level === "off") return undefined;
  const min = RANK[level];
  return (at, line) => {
    if (RANK[at] < min) return;
    try {
      logger[at](`peaq-os-sdk: ${line}`);
    } catch {
      // A broken logger must not turn a successful call into a failure.
    }
  };
}
