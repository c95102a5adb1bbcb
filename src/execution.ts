/**
 * Type guards for the two outcomes of `executeMarketOrder`: a native execution (HTTP 200, with
 * `run` and `outcome`) and an external handoff (HTTP 202, with `handoff`).
 *
 * @module
 */
import type {
  ExecuteMarketOrderResponse,
  HandoffExecutionResponse,
  NativeExecutionResponse,
} from "./types/market.ts";

/**
 * Whether `result` is a native execution: the service ran and `execution.run` and
 * `execution.outcome` hold what it did.
 *
 * @example Read the outcome of a native execution
 * ```ts
 * import { type ExecuteMarketOrderResponse, isNativeExecution } from "@peaqos/peaq-os-sdk";
 *
 * function outputOf(result: ExecuteMarketOrderResponse): unknown {
 *   return isNativeExecution(result) ? result.execution.outcome.output : undefined;
 * }
 * ```
 */
export function isNativeExecution(
  result: ExecuteMarketOrderResponse,
): result is NativeExecutionResponse {
  return result.execution.statusCode === 200;
}

/**
 * Whether `result` is an external handoff: the buyer continues at `execution.handoff.url`.
 *
 * @example Send the user on to the provider
 * ```ts
 * import { type ExecuteMarketOrderResponse, isHandoffExecution } from "@peaqos/peaq-os-sdk";
 *
 * function continueAt(result: ExecuteMarketOrderResponse): string | undefined {
 *   return isHandoffExecution(result) ? result.execution.handoff.url : undefined;
 * }
 * ```
 */
export function isHandoffExecution(
  result: ExecuteMarketOrderResponse,
): result is HandoffExecutionResponse {
  return result.execution.statusCode === 202;
}
