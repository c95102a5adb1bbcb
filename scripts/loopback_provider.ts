/**
 * A handoff provider on 127.0.0.1 for the local run (`deno task local`): it answers the edge
 * Worker's handoff call as a partner's booking API would. The Worker's runner
 * (`worker/src/handoff.ts`) POSTs `{ orderId, serviceId, providerKey, operation, input,
 * credentials? }` as JSON with an `idempotency-key` header, and confirms the order on any 2xx.
 *
 * Every call is accepted (`200 { accepted, reference }`); a repeated `idempotency-key` gets the
 * first answer again, as a provider that deduplicates would. A body that is not a handoff call
 * answers `400`. Credentials are noted as present or not, never kept or printed.
 *
 * @module
 */

/** One handoff call the provider received. */
export type HandoffCall = {
  readonly path: string;
  readonly orderId: string;
  readonly serviceId: string;
  readonly providerKey: string;
  readonly operation: string | null;
  readonly input: Readonly<Record<string, unknown>>;
  readonly idempotencyKey: string | null;
  /** Whether the Worker sent the provider's `credentials` (from `PROVIDER_CREDENTIALS`). */
  readonly withCredentials: boolean;
  /** A repeat of an earlier call's `idempotency-key`, answered with the first answer. */
  readonly replay: boolean;
};

/** A running loopback provider; dispose with `await using` or `close()`. */
export type LoopbackProvider = {
  /** Origin, e.g. `http://127.0.0.1:8789`. */
  readonly url: string;
  /** Every handoff call received, in order. */
  readonly calls: readonly HandoffCall[];
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

/** Options of {@linkcode startLoopbackProvider}. */
export type LoopbackProviderOptions = {
  /** TCP port on 127.0.0.1; default 0 (any free port). */
  readonly port?: number | undefined;
  /** Called after each handoff call is answered. */
  readonly onCall?: ((call: HandoffCall) => void) | undefined;
};

const text = (value: unknown): value is string => typeof value === "string" && value.length > 0;

function readCall(
  body: unknown,
  path: string,
  idempotencyKey: string | null,
): Omit<HandoffCall, "replay"> | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return undefined;
  const fields = body as Record<string, unknown>;
  const input = fields.input ?? {};
  if (
    !text(fields.orderId) || !text(fields.serviceId) || !text(fields.providerKey) ||
    typeof input !== "object" || input === null || Array.isArray(input)
  ) {
    return undefined;
  }
  return {
    path,
    orderId: fields.orderId,
    serviceId: fields.serviceId,
    providerKey: fields.providerKey,
    operation: text(fields.operation) ? fields.operation : null,
    input: input as Record<string, unknown>,
    idempotencyKey,
    withCredentials: typeof fields.credentials === "object" && fields.credentials !== null,
  };
}

/**
 * Serves the loopback provider on 127.0.0.1. Rejects with `Deno.errors.AddrInUse` when the port
 * is taken.
 *
 * @example Answer the Worker's handoff calls on :8789
 * ```ts ignore
 * await using provider = await startLoopbackProvider({ port: 8789 });
 * console.log(provider.calls.length);
 * ```
 */
export async function startLoopbackProvider(
  options: LoopbackProviderOptions = {},
): Promise<LoopbackProvider> {
  const calls: HandoffCall[] = [];
  const answers = new Map<string, Record<string, unknown>>();
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: options.port ?? 0,
    onListen: (addr) => resolve(addr as Deno.NetAddr),
  }, async (request) => {
    const { pathname } = new URL(request.url);
    if (request.method === "GET" && pathname === "/health") {
      return Response.json({ status: "ok", calls: calls.length });
    }
    if (request.method !== "POST") {
      await request.body?.cancel();
      return Response.json({ error: "Only POST handoff calls are served" }, { status: 405 });
    }
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return Response.json({ error: "The body is not JSON" }, { status: 400 });
    }
    const idempotencyKey = request.headers.get("idempotency-key");
    const call = readCall(body, pathname, idempotencyKey);
    if (!call) {
      return Response.json(
        { error: "Expected a handoff call: orderId, serviceId, providerKey and an input object" },
        { status: 400 },
      );
    }
    const earlier = idempotencyKey === null ? undefined : answers.get(idempotencyKey);
    const answer = earlier ?? {
      accepted: true,
      reference: `lp_${call.orderId}`,
      provider: call.providerKey,
    };
    if (idempotencyKey !== null) answers.set(idempotencyKey, answer);
    const recorded = { ...call, replay: earlier !== undefined };
    calls.push(recorded);
    options.onCall?.(recorded);
    return Response.json(answer);
  });
  const { port } = await listening;
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= server.shutdown());
  return { url: `http://127.0.0.1:${port}`, calls, close, [Symbol.asyncDispose]: close };
}
