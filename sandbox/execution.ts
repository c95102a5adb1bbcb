/**
 * Native execution of an order: by the built-in simulated provider, or forwarded over HTTP to the
 * machine's runtime endpoint for the service's provider key (`POST <endpointBaseUrl>/execute`
 * with `{ orderId, serviceId, skillKey, operation, input }` and the endpoint's credentials; it
 * answers `{ output, summary?, status? }`). An endpoint that is missing, lease-expired or does
 * not answer is 503 `ENDPOINT_UNREACHABLE`; one that answers badly is 502 `ENDPOINT_UNREACHABLE`.
 *
 * @module
 */
import type { MarketOrder } from "../src/types/mod.ts";
import type { SandboxContext } from "./context.ts";
import { ApiError } from "./errors.ts";
import { findRuntimeEndpoint } from "./routes/runtime_endpoints.ts";
import { simulate, type SimulatedResult } from "./simulator.ts";

/** How long a runtime endpoint may take to answer one execution. */
export const ENDPOINT_TIMEOUT_MS = 5_000;

/**
 * Runs `order` on the simulated provider.
 *
 * @example
 * ```ts ignore
 * const result = runSimulated(order, input);
 * ```
 */
export function runSimulated(order: MarketOrder, input: Record<string, unknown>): SimulatedResult {
  return simulate(order.operation, input);
}

/**
 * Forwards `order` to its machine's runtime endpoint and returns what it produced.
 *
 * @example
 * ```ts ignore
 * const result = await runOnEndpoint(ctx, order, input);
 * ```
 */
export async function runOnEndpoint(
  ctx: SandboxContext,
  order: MarketOrder,
  input: Record<string, unknown>,
): Promise<SimulatedResult> {
  const target = findRuntimeEndpoint(ctx, order.machineId, order.providerKey);
  if (!target) {
    throw new ApiError(
      503,
      "ENDPOINT_UNREACHABLE",
      `No live runtime endpoint for provider '${order.providerKey}' on machine '${order.machineId}'`,
    );
  }
  const base = target.endpointBaseUrl.endsWith("/")
    ? target.endpointBaseUrl
    : `${target.endpointBaseUrl}/`;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (target.authToken !== null && target.authType === "bearer") {
    headers.authorization = `Bearer ${target.authToken}`;
  } else if (target.authToken !== null && target.authType === "api-key") {
    headers["x-api-key"] = target.authToken;
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ENDPOINT_TIMEOUT_MS);
  let status: number;
  let text: string;
  try {
    const response = await ctx.options.fetch(new URL("execute", base), {
      method: "POST",
      headers,
      body: JSON.stringify({
        orderId: order.id,
        serviceId: order.serviceId,
        skillKey: order.skillKey,
        operation: order.operation,
        input,
      }),
      signal: controller.signal,
      redirect: "manual",
    });
    status = response.status;
    text = await response.text();
  } catch {
    throw new ApiError(
      503,
      "ENDPOINT_UNREACHABLE",
      `Runtime endpoint for provider '${order.providerKey}' did not answer`,
    );
  } finally {
    clearTimeout(timer);
  }
  const bad = (detail: string) =>
    new ApiError(
      502,
      "ENDPOINT_UNREACHABLE",
      `Runtime endpoint for provider '${order.providerKey}' answered badly: ${detail}`,
    );
  if (status < 200 || status > 299) throw bad(`HTTP ${status}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw bad("not JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw bad("not an object");
  const { output, summary, status: runStatus } = body as Record<string, unknown>;
  if (output === null || typeof output !== "object" || Array.isArray(output)) {
    throw bad("'output' is not an object");
  }
  return {
    status: runStatus === "failed" ? "failed" : "succeeded",
    output: output as Record<string, unknown>,
    summary: typeof summary === "string"
      ? summary
      : `Ran '${order.operation}' on the '${order.providerKey}' runtime endpoint`,
  };
}
