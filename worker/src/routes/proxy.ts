/**
 * The market proxy under `/v1/market/...`: the API's market routes (services, search, orders
 * with execute/confirm/dispute, payments) and nothing else. Each route validates its
 * parameters and body with the revision-2 schemas (`schemas.ts`), then makes one SDK call,
 * which adds the platform API key, percent-encodes path parameters and maps errors. The
 * agent's pairing token is the caller's `x-agent-pairing-token` or, failing that, the caller's
 * tenant's session stored for the pairing. Two caller headers go upstream: `idempotency-key`
 * on every POST (scoped to the tenant), and `PAYMENT-SIGNATURE` on execute only.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import type {
  OrchestrationClient,
  RequestOptions,
  SubmitPaymentProofRequest,
} from "../../../mod.ts";
import { sha256Hex } from "../crypto.ts";
import type { AppEnv } from "../env.ts";
import { EdgeError } from "../errors.ts";
import { claimCreatedOrder } from "../owners.ts";
import {
  confirmBody,
  createOrderBody,
  disputeBody,
  escrowLockBody,
  executeBody,
  getServiceQuery,
  listOrdersQuery,
  listServicesQuery,
  paymentIntentBody,
  paymentProofBody,
  paymentSignatureSchema,
  refundBody,
  releaseBody,
  searchBody,
} from "../schemas.ts";
import { orchestration, streamCall } from "../sdk.ts";
import { loadSession } from "../sessions.ts";
import { check, pathIdSchema } from "../validation.ts";

const orderParam = z.object({ orderId: pathIdSchema });

const json = <S extends z.ZodType>(schema: S) => check("json", schema);
const query = <S extends z.ZodType>(schema: S) => check("query", schema);
const param = <S extends z.ZodType>(schema: S) => check("param", schema);

function invalidHeader(name: string, message: string): EdgeError {
  // The value is never echoed: it may be a payment authorization.
  return new EdgeError(
    400,
    "VALIDATION_ERROR",
    `Invalid request: '${name}' ${message}`,
    {
      fields: [{ path: name, message }],
    },
  );
}

// Per isolate: the tag of each tenant's idempotency keys (tenants come from `EDGE_CLIENT_KEYS`).
const tenantTags = new Map<string, string>();

/**
 * The caller's `idempotency-key`, prefixed with a tag of the caller's tenant: the API keeps
 * answers per key and caller, and every tenant reaches it with the same platform key, so one
 * tenant's key must never replay another tenant's answer.
 */
async function idempotencyHeaders(
  c: Context<AppEnv>,
): Promise<Record<string, string> | undefined> {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return undefined;
  if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw invalidHeader(
      "idempotency-key",
      "must be 1-200 printable ASCII characters",
    );
  }
  const tenant = c.get("tenant");
  let tag = tenantTags.get(tenant);
  if (tag === undefined) {
    tag = (await sha256Hex(`tenant:${tenant}`)).slice(0, 16);
    tenantTags.set(tenant, tag);
  }
  return { "idempotency-key": `edge-${tag}.${key}` };
}

/**
 * Upstream options of a POST: its idempotency key, and for execute the payment signature.
 * Without either, no `headers` at all: the SDK then has no caller headers to parse.
 */
async function postOptions(
  c: Context<AppEnv>,
  { paymentSignature = false } = {},
): Promise<RequestOptions> {
  const headers = await idempotencyHeaders(c);
  const signature = paymentSignature ? c.req.header("payment-signature") : undefined;
  if (signature !== undefined) {
    const parsed = paymentSignatureSchema.safeParse(signature);
    if (!parsed.success) {
      throw invalidHeader(
        "PAYMENT-SIGNATURE",
        parsed.error.issues[0]?.message ?? "is invalid",
      );
    }
    // The SDK sends it as `PAYMENT-SIGNATURE` and redacts it like a credential.
    return { headers, paymentSignature: signature };
  }
  return { headers };
}

/** The caller's `x-agent-pairing-token`, or its tenant's session stored for the pairing. */
async function agentToken(
  c: Context<AppEnv>,
  agentPairingId: () => Promise<string>,
): Promise<string> {
  const header = c.req.header("x-agent-pairing-token")?.trim();
  if (header) return header;
  const token = await loadSession(
    c.env,
    c.get("tenant"),
    await agentPairingId(),
  );
  if (!token) {
    throw new EdgeError(
      401,
      "AGENT_AUTH_REQUIRED",
      "No pairing token: send 'x-agent-pairing-token' or store a session for the pairing",
    );
  }
  return token;
}

/** The token for an order's agent route: the header, or the session for the order's pairing. */
function orderToken(c: Context<AppEnv>, orderId: string): Promise<string> {
  return agentToken(
    c,
    async () => (await orchestration(c.env).getMarketOrder(orderId)).item.agentPairingId,
  );
}

/**
 * Answers `200` with the API's answer to `call`: its body as the API sent it, unread (see
 * `streamCall`), for every route whose answer the Worker does not need itself.
 */
async function passOn(
  c: Context<AppEnv>,
  call: (api: OrchestrationClient) => Promise<unknown>,
): Promise<Response> {
  const { upstream, data } = await streamCall(c.env, call);
  if (upstream === undefined) return c.json(data);
  // A 200 goes back as the API sent it (JSON, with its content-length and x-request-id):
  // wrapping its body in a new Response costs workerd a stream pump per request. A cookie of
  // the API's host is not the caller's business, and the edge answers 200 where the API says 201.
  if (upstream.status === 200 && !upstream.headers.has("set-cookie")) return upstream;
  return new Response(upstream.body, { headers: { "content-type": "application/json" } });
}

/** What an order's agent route sends, given the order, its checked body, token and options. */
type OrderCall<B> = (
  api: OrchestrationClient,
  orderId: string,
  body: B,
  token: string,
  options: RequestOptions,
) => Promise<unknown>;

/**
 * An agent route on one order: the order id and the body (`schema`) checked, then the caller's
 * POST options, the order's token, and `call`'s answer passed on.
 */
function orderRoute<S extends z.ZodType>(schema: S, call: OrderCall<z.output<S>>) {
  return [
    param(orderParam),
    json(schema),
    async (
      c: Context<AppEnv, string, { out: { param: { orderId: string }; json: z.output<S> } }>,
    ): Promise<Response> => {
      const { orderId } = c.req.valid("param");
      const options = await postOptions(c);
      const token = await orderToken(c, orderId);
      return passOn(c, (api) => call(api, orderId, c.req.valid("json"), token, options));
    },
  ] as const;
}

/** The allowlisted market routes. */
export const proxy = new Hono<AppEnv>()
  .get(
    "/services",
    query(listServicesQuery),
    (c) => passOn(c, (api) => api.listMarketServices(c.req.valid("query"))),
  )
  .get(
    "/services/:serviceId",
    param(z.object({ serviceId: pathIdSchema })),
    query(getServiceQuery),
    (c) => {
      const { serviceId } = c.req.valid("param");
      return passOn(c, (api) => api.getMarketService(serviceId, c.req.valid("query")));
    },
  )
  .post("/search", json(searchBody), async (c) => {
    const body = c.req.valid("json");
    const token = await agentToken(c, () => Promise.resolve(body.agentPairingId));
    const options = await postOptions(c);
    return passOn(
      c,
      (api) => api.searchMarket(body, token, options),
    );
  })
  .get(
    "/search/:searchId",
    param(z.object({ searchId: pathIdSchema })),
    (c) => passOn(c, (api) => api.getMarketSearch(c.req.valid("param").searchId)),
  )
  .get(
    "/orders",
    query(listOrdersQuery),
    (c) => passOn(c, (api) => api.listMarketOrders(c.req.valid("query"))),
  )
  .post("/orders", json(createOrderBody), async (c) => {
    const body = c.req.valid("json");
    const token = await agentToken(
      c,
      () => Promise.resolve(body.agentPairingId),
    );
    const created = await orchestration(c.env).createMarketOrder(
      body,
      token,
      await postOptions(c),
    );
    // Before the caller learns the id: the order is this tenant's (see `owners.ts`).
    await claimCreatedOrder(c.env, created.item.id, c.get("tenant"));
    return c.json(created, 201);
  })
  .get(
    "/orders/:orderId",
    param(orderParam),
    (c) => passOn(c, (api) => api.getMarketOrder(c.req.valid("param").orderId)),
  )
  .post(
    "/orders/:orderId/execute",
    param(orderParam),
    json(executeBody),
    async (c) => {
      const { orderId } = c.req.valid("param");
      const options = await postOptions(c, { paymentSignature: true });
      const token = await orderToken(c, orderId);
      const result = await orchestration(c.env).executeMarketOrder(
        orderId,
        c.req.valid("json"),
        token,
        options,
      );
      return c.json(result, result.execution.statusCode);
    },
  )
  .post(
    "/orders/:orderId/confirm",
    ...orderRoute(
      confirmBody,
      (api, orderId, _body, token, options) => api.confirmMarketOrder(orderId, token, options),
    ),
  )
  .post(
    "/orders/:orderId/dispute",
    ...orderRoute(disputeBody, (api, ...args) => api.disputeMarketOrder(...args)),
  )
  .post(
    "/orders/:orderId/payment-intent",
    ...orderRoute(paymentIntentBody, (api, ...args) => api.createPaymentIntent(...args)),
  )
  .get(
    "/orders/:orderId/payment",
    param(orderParam),
    (c) => passOn(c, (api) => api.getMarketPayment(c.req.valid("param").orderId)),
  )
  .post(
    "/orders/:orderId/payment-proof",
    // The schema's checks make the flat object one member of the proof union.
    ...orderRoute(
      paymentProofBody,
      (api, orderId, body, token, options) =>
        api.submitPaymentProof(orderId, body as SubmitPaymentProofRequest, token, options),
    ),
  )
  .post(
    "/orders/:orderId/payment/escrow-lock",
    ...orderRoute(escrowLockBody, (api, ...args) => api.lockEscrowPayment(...args)),
  )
  .post(
    "/orders/:orderId/payment/release",
    ...orderRoute(releaseBody, (api, ...args) => api.releasePayment(...args)),
  )
  .post(
    "/orders/:orderId/payment/refund",
    ...orderRoute(refundBody, (api, ...args) => api.refundPayment(...args)),
  );
