/**
 * What every MCP tool call runs with, and the steps the tools share: arguments parsed into API
 * bodies with the contract's schemas, the pairing and machine a call acts for, the pairing token
 * the caller's tenant stored (never shown to the model), and the tenant's own orders.
 *
 * @module
 */
import type { z } from "zod";
import {
  type MarketOrder,
  OrchestrationApiError,
  type SubmitPaymentProofRequest,
} from "../../../mod.ts";
import type { Env } from "../env.ts";
import { EdgeError } from "../errors.ts";
import { adoptOwner, orderOwner } from "../owners.ts";
import { paymentProofBody } from "../schemas.ts";
import { orchestration } from "../sdk.ts";
import { loadSession, pairingClaims } from "../sessions.ts";
import type { McpPolicy } from "./policy.ts";

/** What a tool call runs with. */
export type ToolContext = {
  readonly env: Env;
  readonly tenant: string;
  readonly policy: McpPolicy;
  /** Names the tenant's order the call acts on: the call is recorded on it. */
  onOrder(orderId: string): void;
  /** Adds a detail (no secrets) to the call's record. */
  note(detail: string): void;
};

/** A tool's arguments, as validated by its input schema. */
export type ToolArgs = Readonly<Record<string, unknown>>;

/** A `VALIDATION_ERROR` naming the field at fault (never its value). */
export function invalid(field: string, message: string): EdgeError {
  return new EdgeError(400, "VALIDATION_ERROR", `Invalid request: '${field}' ${message}`, {
    fields: [{ path: field, message }],
  });
}

/**
 * Parses a tool's arguments, completed by the Worker (pairing, machine, budget), into an API
 * body with the contract's schema: what reaches the API is exactly what the proxy would accept.
 *
 * @example
 * ```ts ignore
 * const body = contractBody(createOrderBody, { ...args, machineId, agentPairingId });
 * ```
 */
export function contractBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(issue.path.map(String).join("."), issue.message);
  }
  return parsed.data;
}

/**
 * A payment proof: the contract's schema checks which fields go together (x402 or a transaction),
 * which its flat output type does not show the SDK's union.
 */
export function proofBody(value: unknown): SubmitPaymentProofRequest {
  return contractBody(paymentProofBody, value) as SubmitPaymentProofRequest;
}

/** The pairing a call acts for: its `agentPairingId`, else the key's default. */
export function pairingOf(ctx: ToolContext, args: ToolArgs): string {
  const id = (args.agentPairingId as string | undefined) ?? ctx.policy.agentPairingId;
  if (id === undefined) throw invalid("agentPairingId", "is required: this key has no default");
  return id;
}

/** The machine a call buys for: its `machineId`, else the key's default, else the token's. */
export function machineOf(ctx: ToolContext, args: ToolArgs, token: string): string {
  const id = (args.machineId as string | undefined) ?? ctx.policy.machineId ??
    pairingClaims(token)?.machineId;
  if (id === undefined) throw invalid("machineId", "is required: the pairing names no machine");
  return id;
}

/** The pairing token the tenant stored for the pairing; `AGENT_AUTH_REQUIRED` without one. */
export async function sessionToken(ctx: ToolContext, agentPairingId: string): Promise<string> {
  const token = await loadSession(ctx.env, ctx.tenant, agentPairingId);
  if (!token) {
    throw new EdgeError(
      401,
      "AGENT_AUTH_REQUIRED",
      `No session for pairing '${agentPairingId}' at this edge key: an operator stores one ` +
        `with 'PUT /v1/sessions/${agentPairingId}'`,
    );
  }
  return token;
}

const notYours = (orderId: string) =>
  new EdgeError(404, "NOT_FOUND", `No order '${orderId}' for this edge key`);

/**
 * The order, when it is the tenant's: created by it (MCP or proxy), or adopted as the one tenant
 * holding a session for its pairing (`owners.ts`). Anything else is `NOT_FOUND`, word for word
 * what an unknown order answers. The call is then recorded on the order.
 *
 * @example
 * ```ts ignore
 * const order = await ownedOrder(ctx, "ord_1");
 * const token = await sessionToken(ctx, order.agentPairingId);
 * ```
 */
export async function ownedOrder(ctx: ToolContext, orderId: string): Promise<MarketOrder> {
  const owner = await orderOwner(ctx.env, orderId);
  if (owner !== null && owner !== ctx.tenant) throw notYours(orderId);
  let order: MarketOrder;
  try {
    order = (await orchestration(ctx.env).getMarketOrder(orderId)).item;
  } catch (err) {
    if (err instanceof OrchestrationApiError && err.statusCode === 404) throw notYours(orderId);
    throw err;
  }
  if (owner === null) {
    const adopted = await adoptOwner(ctx.env, orderId, order.agentPairingId, null);
    if (adopted !== ctx.tenant) throw notYours(orderId);
  }
  ctx.onOrder(orderId);
  return order;
}
