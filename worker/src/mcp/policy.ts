/**
 * What an operator allows each edge key's tenant to do through the MCP endpoint, on top of what
 * the agent's pairing itself allows (the API enforces the delegation policy either way):
 *
 * - `MCP_POLICIES` (var, JSON): `{ "<tenant>" | "*": { tools?, maxAmountPerCall?, currency?,
 *   toolCallsPerMinute?, machineId?, agentPairingId? } }`. A tenant's own entry wins over `"*"`;
 *   with neither, every tool is exposed and only the pairing's policy limits spending. Invalid
 *   JSON, unknown fields or an unknown tool name make `/mcp` answer `500 EDGE_MISCONFIGURED`
 *   (fail closed, never "no limits").
 * - `MCP_X402_KEYS` (secret, JSON, off by default): `{ "<tenant>": "0x<private key>" }`, the key
 *   `pay_order` signs a tenant's x402 payments with. Without one, x402 payments are refused.
 *
 * @module
 */
import { z } from "zod";
import { amountToUnits } from "../../../contract/money.ts";
import { amountSchema, currencySchema } from "../../../contract/fields.ts";
import { type PrivateKeySigner, privateKeySigner } from "../../../signer/mod.ts";
import type { Env } from "../env.ts";
import { EdgeError } from "../errors.ts";
import { pathIdSchema } from "../validation.ts";

/** Every tool the endpoint offers, in the order `tools/list` shows them. */
export const TOOL_NAMES = [
  "search_market",
  "get_market_service",
  "create_order",
  "pay_order",
  "execute_order",
  "confirm_order",
  "dispute_order",
  "get_order",
] as const;

/** The name of one tool. */
export type ToolName = typeof TOOL_NAMES[number];

const policySchema = z.strictObject({
  tools: z.array(z.enum(TOOL_NAMES)).optional(),
  maxAmountPerCall: amountSchema.optional(),
  currency: currencySchema.optional(),
  toolCallsPerMinute: z.number().int().min(0).optional(),
  machineId: pathIdSchema.optional(),
  agentPairingId: pathIdSchema.optional(),
});

const policiesSchema = z.record(z.string(), policySchema);

/** One tenant's MCP limits, resolved. */
export type McpPolicy = {
  /** The tools exposed (`tools/list` shows only these; others are unknown tools). */
  readonly tools: readonly ToolName[];
  /** Most one `create_order` or `pay_order` may spend; `undefined`: no edge cap. */
  readonly maxAmountPerCall: number | undefined;
  /** The only currency spending is allowed in (with a cap); `undefined`: any. */
  readonly currency: string | undefined;
  /** Tool calls per minute (0: no limit beyond `RATE_LIMIT_PER_MINUTE`). */
  readonly toolCallsPerMinute: number;
  /** Defaults when a tool call names none. */
  readonly machineId: string | undefined;
  readonly agentPairingId: string | undefined;
};

function misconfigured(setting: string, what: string): EdgeError {
  // The value is never echoed: MCP_X402_KEYS holds private keys.
  return new EdgeError(
    500,
    "EDGE_MISCONFIGURED",
    `Worker is not configured for MCP: '${setting}' ${what}`,
  );
}

function parseJson(setting: string, raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw misconfigured(setting, "is not JSON");
  }
}

/**
 * The tenant's MCP policy from `MCP_POLICIES` (its own entry, else `"*"`, else everything
 * allowed without an edge cap). Throws `EDGE_MISCONFIGURED` when the setting is invalid.
 *
 * @example
 * ```ts ignore
 * mcpPolicy({ MCP_POLICIES: '{"ops":{"tools":["search_market"]}}' } as Env, "ops").tools;
 * // ["search_market"]
 * ```
 */
export function mcpPolicy(env: Env, tenant: string): McpPolicy {
  const raw = env.MCP_POLICIES?.trim();
  const parsed = raw ? policiesSchema.safeParse(parseJson("MCP_POLICIES", raw)) : undefined;
  if (parsed && !parsed.success) {
    const issue = parsed.error.issues[0];
    throw misconfigured(
      "MCP_POLICIES",
      `is invalid at '${issue?.path.map(String).join(".")}': ${issue?.message}`,
    );
  }
  const entry = parsed?.data[tenant] ?? parsed?.data["*"] ?? {};
  return {
    tools: entry.tools ? TOOL_NAMES.filter((name) => entry.tools!.includes(name)) : TOOL_NAMES,
    maxAmountPerCall: entry.maxAmountPerCall,
    currency: entry.currency,
    toolCallsPerMinute: entry.toolCallsPerMinute ?? 0,
    machineId: entry.machineId,
    agentPairingId: entry.agentPairingId,
  };
}

/** A price as services, quotes and payments state it. */
export type Price = {
  readonly amount: number | null;
  readonly currency: string | null;
};

/**
 * Refuses `what` (`EDGE_SPEND_CAP_EXCEEDED`, 403) when its price is over the policy's
 * `maxAmountPerCall`, in another currency than the policy's, or unknown while a cap is set. Free
 * (amount 0) passes. Amounts are compared exactly, in 10^-18 units.
 *
 * @example
 * ```ts ignore
 * checkSpendCap(policy, service.pricing, `service '${service.id}'`); // throws over the cap
 * ```
 */
export function checkSpendCap(
  policy: McpPolicy,
  price: Price,
  what: string,
): void {
  const cap = policy.maxAmountPerCall;
  const refuse = (reason: string) =>
    new EdgeError(
      403,
      "EDGE_SPEND_CAP_EXCEEDED",
      `Refused by this key's spending cap: ${what} ${reason}`,
      {
        maxAmountPerCall: cap ?? null,
        currency: policy.currency ?? null,
        price: price.amount,
        priceCurrency: price.currency,
      },
    );
  if (price.amount === 0) return;
  if (
    policy.currency !== undefined && price.currency !== null &&
    price.currency.toUpperCase() !== policy.currency.toUpperCase()
  ) {
    throw refuse(
      `is priced in '${price.currency}', the cap allows '${policy.currency}' only`,
    );
  }
  if (cap === undefined) return;
  const units = price.amount === null ? undefined : amountToUnits(price.amount);
  if (units === undefined) {
    throw refuse(
      "has no known price, so the cap cannot be checked (search for a quote first)",
    );
  }
  if (units > amountToUnits(cap)!) {
    throw refuse(
      `costs ${price.amount} ${price.currency ?? ""}, over the cap of ${cap}`
        .trim(),
    );
  }
}

/**
 * The tenant's x402 signer from `MCP_X402_KEYS`, or `undefined` when it has none. Throws
 * `EDGE_MISCONFIGURED` (without the value) when the setting or the key is invalid.
 *
 * @example
 * ```ts ignore
 * const signer = x402Signer(env, "ops"); // undefined: x402 payments are refused for "ops"
 * ```
 */
export function x402Signer(
  env: Env,
  tenant: string,
): PrivateKeySigner | undefined {
  const raw = env.MCP_X402_KEYS?.trim();
  if (!raw) return undefined;
  const keys = parseJson("MCP_X402_KEYS", raw);
  if (typeof keys !== "object" || keys === null || Array.isArray(keys)) {
    throw misconfigured(
      "MCP_X402_KEYS",
      "must be a JSON object of tenant to private key",
    );
  }
  const key = (keys as Record<string, unknown>)[tenant];
  if (key === undefined) return undefined;
  try {
    return privateKeySigner(key as string);
  } catch {
    throw misconfigured(
      "MCP_X402_KEYS",
      `has no valid private key for tenant '${tenant}'`,
    );
  }
}
