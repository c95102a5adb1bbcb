/**
 * The market proxy under `/v1/market/...`: the API's market routes (services, search, orders
 * with execute/confirm/dispute, payments) and nothing else. Each route validates its
 * parameters and body with zod, then makes one SDK call, which adds the platform API key,
 * percent-encodes path parameters and maps errors; the agent's pairing token is the caller's
 * `x-agent-pairing-token` or, failing that, the session stored for the pairing.
 *
 * @module
 */
import { zValidator } from "@hono/zod-validator";
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv, Env } from "../env.ts";
import { MARKET_PAYMENT_RAILS } from "../../../mod.ts";
import { EdgeError } from "../errors.ts";
import { loadSession, orchestration } from "../sdk.ts";
import { idSchema, validationHook } from "../validation.ts";

const decimal = z.number().finite().nonnegative();
const decimalText = z.string().regex(/^\d{1,18}(\.\d{1,18})?$/, "decimal string");
const text = (max: number) => z.string().min(1).max(max);
const executionMode = z.enum(["native", "external-handoff"]);
const record = z.record(z.string(), z.unknown());
const rail = z.enum(MARKET_PAYMENT_RAILS);
const limit = z.coerce.number().int().min(1).max(500);

const orderParam = z.object({ orderId: idSchema });

const schemas = {
  listServices: z.strictObject({
    machineId: idSchema.optional(),
    serviceType: text(64).optional(),
    executionMode: executionMode.optional(),
    providerKey: text(128).optional(),
    limit: limit.optional(),
    cursor: text(512).optional(),
  }),
  getService: z.strictObject({ machineId: idSchema.optional() }),
  search: z.strictObject({
    machineId: idSchema,
    agentPairingId: idSchema,
    query: z.string().max(1000).optional(),
    serviceType: text(64).optional(),
    skillKey: text(128).optional(),
    operation: text(128).optional(),
    providerKey: text(128).optional(),
    executionMode: executionMode.optional(),
    maxPrice: decimalText.optional(),
    currency: text(16).optional(),
    limit: z.number().int().min(1).max(100).optional(),
  }),
  listOrders: z.strictObject({
    machineId: idSchema,
    limit: limit.optional(),
    cursor: text(512).optional(),
  }),
  createOrder: z.strictObject({
    machineId: idSchema,
    agentPairingId: idSchema,
    serviceId: idSchema,
    searchId: idSchema.optional(),
    quoteId: idSchema.optional(),
    operation: text(128).optional(),
    input: record.optional(),
    budget: z.strictObject({ amount: decimal, currency: text(16) }).optional(),
    providerCredentials: z.record(z.string(), z.record(z.string(), z.string()))
      .optional(),
  }),
  execute: z.strictObject({ input: record.optional() }),
  empty: z.strictObject({}),
  dispute: z.strictObject({ reason: text(2000), evidence: record.optional() }),
  paymentIntent: z.strictObject({
    rail: rail.optional(),
    amount: decimal.optional(),
    currency: text(16).optional(),
  }),
  paymentProof: z.strictObject({
    transactionHash: text(256).optional(),
    transactionSignature: text(256).optional(),
    verificationMode: z.enum(["recorded", "rpc"]).optional(),
    chain: text(64).optional(),
    token: text(128).optional(),
    payerAddress: text(128).optional(),
    payeeAddress: text(128).optional(),
    amount: decimal.optional(),
  }).refine(
    (proof) =>
      (proof.transactionHash === undefined) !==
        (proof.transactionSignature === undefined),
    "exactly one of 'transactionHash' and 'transactionSignature'",
  ),
  escrowLock: z.strictObject({
    transactionHash: text(256),
    chain: text(64),
    escrowAddress: text(128),
  }),
  release: z.strictObject({
    transactionHash: text(256).optional(),
    notes: text(2000).optional(),
  }),
  refund: z.strictObject({
    transactionHash: text(256).optional(),
    reason: text(2000).optional(),
  }),
};

type Defined<T> = { [K in keyof T]: Exclude<T[K], undefined> };
// JSON and query strings never carry `undefined`: zod's optional outputs are absent keys.
const defined = <T>(value: T): Defined<T> => value as Defined<T>;

/** The caller's `x-agent-pairing-token`, or the session stored for the pairing. */
async function agentToken(
  c: Context<AppEnv>,
  agentPairingId: () => Promise<string>,
): Promise<string> {
  const header = c.req.header("x-agent-pairing-token")?.trim();
  if (header) return header;
  const token = await loadSession(c.env, await agentPairingId());
  if (!token) {
    throw new EdgeError(
      401,
      "AGENT_AUTH_REQUIRED",
      "No pairing token: send 'x-agent-pairing-token' or store a session for the pairing",
    );
  }
  return token;
}

/** The pairing an order was placed by, for supplying its stored session. */
async function orderPairing(env: Env, orderId: string): Promise<string> {
  const { item } = await orchestration(env).getMarketOrder(orderId);
  return item.agentPairingId;
}

const json = <S extends z.ZodType>(schema: S) => zValidator("json", schema, validationHook);
const query = <S extends z.ZodType>(schema: S) => zValidator("query", schema, validationHook);
const param = <S extends z.ZodType>(schema: S) => zValidator("param", schema, validationHook);

/** The allowlisted market routes. */
export const proxy = new Hono<AppEnv>()
  .get("/services", query(schemas.listServices), async (c) => {
    return c.json(await orchestration(c.env).listMarketServices(defined(c.req.valid("query"))));
  })
  .get(
    "/services/:serviceId",
    param(z.object({ serviceId: idSchema })),
    query(schemas.getService),
    async (c) => {
      const { serviceId } = c.req.valid("param");
      return c.json(
        await orchestration(c.env).getMarketService(serviceId, defined(c.req.valid("query"))),
      );
    },
  )
  .post("/search", json(schemas.search), async (c) => {
    const body = defined(c.req.valid("json"));
    const token = await agentToken(c, () => Promise.resolve(body.agentPairingId));
    return c.json(await orchestration(c.env).searchMarket(body, token));
  })
  .get(
    "/search/:searchId",
    param(z.object({ searchId: idSchema })),
    async (c) => {
      const { searchId } = c.req.valid("param");
      return c.json(await orchestration(c.env).getMarketSearch(searchId));
    },
  )
  .get("/orders", query(schemas.listOrders), async (c) => {
    return c.json(await orchestration(c.env).listMarketOrders(defined(c.req.valid("query"))));
  })
  .post("/orders", json(schemas.createOrder), async (c) => {
    const body = defined(c.req.valid("json"));
    const token = await agentToken(c, () => Promise.resolve(body.agentPairingId));
    return c.json(await orchestration(c.env).createMarketOrder(body, token), 201);
  })
  .get("/orders/:orderId", param(orderParam), async (c) => {
    return c.json(await orchestration(c.env).getMarketOrder(c.req.valid("param").orderId));
  })
  .post(
    "/orders/:orderId/execute",
    param(orderParam),
    json(schemas.execute),
    async (c) => {
      const { orderId } = c.req.valid("param");
      const token = await agentToken(c, () => orderPairing(c.env, orderId));
      const result = await orchestration(c.env).executeMarketOrder(
        orderId,
        defined(c.req.valid("json")),
        token,
      );
      return c.json(result, result.execution.statusCode);
    },
  )
  .post(
    "/orders/:orderId/confirm",
    param(orderParam),
    json(schemas.empty),
    async (c) => {
      const { orderId } = c.req.valid("param");
      const token = await agentToken(c, () => orderPairing(c.env, orderId));
      return c.json(await orchestration(c.env).confirmMarketOrder(orderId, token));
    },
  )
  .post(
    "/orders/:orderId/dispute",
    param(orderParam),
    json(schemas.dispute),
    async (c) => {
      const { orderId } = c.req.valid("param");
      const token = await agentToken(c, () => orderPairing(c.env, orderId));
      return c.json(
        await orchestration(c.env).disputeMarketOrder(orderId, defined(c.req.valid("json")), token),
      );
    },
  )
  .post(
    "/orders/:orderId/payment-intent",
    param(orderParam),
    json(schemas.paymentIntent),
    async (c) => {
      const { orderId } = c.req.valid("param");
      const token = await agentToken(c, () => orderPairing(c.env, orderId));
      return c.json(
        await orchestration(c.env).createPaymentIntent(
          orderId,
          defined(c.req.valid("json")),
          token,
        ),
      );
    },
  )
  .get("/orders/:orderId/payment", param(orderParam), async (c) => {
    return c.json(await orchestration(c.env).getMarketPayment(c.req.valid("param").orderId));
  })
  .post(
    "/orders/:orderId/payment-proof",
    param(orderParam),
    json(schemas.paymentProof),
    async (c) => {
      const { orderId } = c.req.valid("param");
      const token = await agentToken(c, () => orderPairing(c.env, orderId));
      // The schema's refine guarantees exactly one of hash and signature.
      const proof = c.req.valid("json") as Parameters<
        ReturnType<typeof orchestration>["submitPaymentProof"]
      >[1];
      return c.json(await orchestration(c.env).submitPaymentProof(orderId, proof, token));
    },
  )
  .post(
    "/orders/:orderId/payment/escrow-lock",
    param(orderParam),
    json(schemas.escrowLock),
    async (c) => {
      const { orderId } = c.req.valid("param");
      const token = await agentToken(c, () => orderPairing(c.env, orderId));
      return c.json(
        await orchestration(c.env).lockEscrowPayment(orderId, defined(c.req.valid("json")), token),
      );
    },
  )
  .post(
    "/orders/:orderId/payment/release",
    param(orderParam),
    json(schemas.release),
    async (c) => {
      const { orderId } = c.req.valid("param");
      const token = await agentToken(c, () => orderPairing(c.env, orderId));
      return c.json(
        await orchestration(c.env).releasePayment(orderId, defined(c.req.valid("json")), token),
      );
    },
  )
  .post(
    "/orders/:orderId/payment/refund",
    param(orderParam),
    json(schemas.refund),
    async (c) => {
      const { orderId } = c.req.valid("param");
      const token = await agentToken(c, () => orderPairing(c.env, orderId));
      return c.json(
        await orchestration(c.env).refundPayment(orderId, defined(c.req.valid("json")), token),
      );
    },
  );
