/**
 * zod building blocks of the wire contract, shared by the sandbox and the edge Worker.
 *
 * @module
 */
import { z } from "zod";
import { amountToUnits } from "./money.ts";

/** A 20-byte hex address, any case. */
export const addressSchema = z.string().regex(
  /^0x[0-9a-fA-F]{40}$/,
  "must be a 0x-prefixed 20-byte hex address",
);

/**
 * A money amount as the wire carries it (contract revision 2): a JSON number, finite,
 * non-negative, with at most 18 decimal places. Convert it with `amountToUnits` before doing
 * arithmetic.
 */
export const amountSchema = z.number({ error: "must be a number such as 12.5" }).refine(
  (value) => amountToUnits(value) !== undefined,
  "must be a finite, non-negative number with at most 18 decimal places",
);

/** A currency code such as `"USDT"` or `"USDC"`. */
export const currencySchema = z.string().trim().min(1).max(20);

/** A short identifier-like string (provider keys, roles, types). */
export const shortTextSchema = z.string().trim().min(1).max(200);

/** A provider key: letters, digits, `.`, `_`, `-`; compared lowercased. */
export const providerKeySchema = z.string().regex(
  /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
  "must be 1-64 letters, digits, '.', '_' or '-'",
);

/** An EIP-191 proof `{ challengeId, signature }`. */
export const proofSchema = z.strictObject({
  challengeId: z.string().min(1).max(200),
  signature: z.string().min(1).max(200),
});

/** An ISO 8601 timestamp with a zone. */
export const isoDateTimeSchema = z.iso.datetime({ offset: true });

/** A record id sent in a body or query (`machineId`, `serviceId`, ...). */
export const idSchema = z.string().min(1).max(200);

/** A free-form JSON object: an order's or task's `input`, a dispute's `evidence`. */
export const inputSchema = z.record(z.string(), z.unknown());
