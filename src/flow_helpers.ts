/**
 * What the one-call flows share: the signer they act with, the error for an answer missing a
 * field a flow needs, and the guard that keeps every failure an `OrchestrationError`.
 *
 * @module
 * @internal
 */
import type { PeaqosClient } from "./client.ts";
import { OrchestrationApiError, OrchestrationConfigError, OrchestrationError } from "./errors.ts";
import { type MessageSigner, type Signer, toSigner } from "./signer.ts";

/** The signer a flow acts with: `signer`, else the client's. */
export function resolveSigner(
  client: PeaqosClient,
  signer: Signer | undefined,
): MessageSigner {
  const chosen = signer ?? client.signer;
  if (chosen === undefined) {
    throw new OrchestrationConfigError(
      "Missing 'signer': pass 'signer', or create the client with 'signer' (or with 'privateKey' through createClient() from '@peaqos/peaq-os-sdk/signer')",
    );
  }
  return toSigner(chosen);
}

/** A server answer without a field the flow needs. */
export function shapeError(what: string): OrchestrationApiError {
  return new OrchestrationApiError({
    code: "INVALID_RESPONSE_SHAPE",
    statusCode: 200,
    message: `Unexpected response shape: ${what}`,
  });
}

/** A plain object (not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** `value` as a non-empty string, or an `INVALID_RESPONSE_SHAPE` naming `what`. */
export function requireText(value: unknown, what: string): string {
  if (typeof value !== "string" || value === "") {
    throw shapeError(`expected ${what} to be a non-empty string`);
  }
  return value;
}

/**
 * Runs `run` so that it only ever rejects with an `OrchestrationError`: anything else (a
 * signer's or a callback's own error, a bug) is wrapped as "<what> failed: ...", the original
 * kept as `cause`. Wraps each flow as a whole and each step the caller supplies.
 */
export async function guarded<T>(
  what: string,
  run: () => T | Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof OrchestrationError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new OrchestrationError(`${what} failed: ${message}`, {
      cause: error,
    });
  }
}
