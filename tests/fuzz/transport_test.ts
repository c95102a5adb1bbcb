/**
 * Property tests of the transport's response path: whatever a server answers (any status, any
 * headers, any body — truncated JSON, HTML, empty, huge, invalid UTF-8, `null`, arrays,
 * envelopes with the wrong types, error bodies in every shape, a body that dies mid-stream), a
 * call either resolves to a body of the promised envelope or rejects with an
 * `OrchestrationError` subclass carrying the status and the code the wire contract prescribes
 * (revision 2: no body where one is due is `INVALID_RESPONSE_SHAPE`; error codes are read from
 * the common error-body shapes). Never a bare `TypeError`/`SyntaxError`.
 *
 * Two channels:
 * - The client's `fetch` option returning constructed `Response`s, for throughput (≥ 10,000
 *   cases per CI run in a few seconds). The transport's parsing path is the same code either
 *   way: it only sees `status`, `headers` and `text()` of whatever `fetch` resolves to. This
 *   channel also reaches statuses no server can send through `fetch` (0, 1xx, 6xx+) and
 *   fetch failures of every kind.
 * - A raw TCP server on 127.0.0.1 writing exact bytes, for a few hundred cases over real
 *   HTTP: the same generated responses, plus malformed HTTP (bad status lines, lying
 *   `content-length`, garbage) that only a real socket can produce.
 *
 * Knobs: `FUZZ_RUNS`, `FUZZ_SEED` (see `tests/_fuzz.ts`).
 *
 * @module
 */
import fc from "fast-check";
import { assert, assertEquals, assertInstanceOf } from "@std/assert";
import {
  OrchestrationApiError,
  OrchestrationError,
  OrchestrationNetworkError,
  PeaqosClient,
} from "../../mod.ts";
import type { FetchLike, OrchestrationClient } from "../../mod.ts";
import { fuzzParams } from "../_fuzz.ts";
import { rawResponse, startRawServer } from "../_raw_server.ts";

const API_KEY = "pk_fuzz_API_KEY_MARKER_7f3a";
const PAIRING_TOKEN = "pt_fuzz_PAIRING_MARKER_91bc";
const SECRET_IN_BODY = "st_fuzz_RETURNED_SECRET_MARKER_55d0";

type Expect = "list" | "item" | "void" | "execute" | "confirm" | "dispute" | "heartbeat";

/** A route of each envelope kind, plus the two that return one-time secrets. */
type Call = {
  readonly name: string;
  readonly expect: Expect;
  readonly secret?: "pairingToken" | "provisioningToken";
  readonly invoke: (market: OrchestrationClient) => Promise<unknown>;
};

const CALLS: readonly Call[] = [
  { name: "listMachines", expect: "list", invoke: (m) => m.listMachines({ limit: 5 }) },
  { name: "getMachine", expect: "item", invoke: (m) => m.getMachine("m-1") },
  { name: "archiveMachine", expect: "void", invoke: (m) => m.archiveMachine("m-1") },
  {
    name: "createAgentPairing",
    expect: "item",
    secret: "pairingToken",
    invoke: (m) =>
      m.createAgentPairing("m-1", {
        agentAddress: "0x0000000000000000000000000000000000000001",
        agentProvider: "anthropic",
        agentRole: "buyer",
        agentProof: { challengeId: "c-1", signature: "0xsig" },
      }),
  },
  {
    name: "enrollMachineAgent",
    expect: "item",
    secret: "provisioningToken",
    invoke: (m) => m.enrollMachineAgent("m-1", { allowedProviderKeys: ["ollama"] }),
  },
  {
    name: "createMarketOrder",
    expect: "item",
    invoke: (m) =>
      m.createMarketOrder(
        { machineId: "m-1", agentPairingId: "p-1", serviceId: "s-1" },
        PAIRING_TOKEN,
      ),
  },
  {
    name: "executeMarketOrder",
    expect: "execute",
    invoke: (m) => m.executeMarketOrder("o-1", {}, PAIRING_TOKEN),
  },
  {
    name: "confirmMarketOrder",
    expect: "confirm",
    invoke: (m) => m.confirmMarketOrder("o-1", PAIRING_TOKEN),
  },
  {
    name: "disputeMarketOrder",
    expect: "dispute",
    invoke: (m) => m.disputeMarketOrder("o-1", { reason: "No delivery" }, PAIRING_TOKEN),
  },
  {
    name: "machineAgentHeartbeat",
    expect: "heartbeat",
    invoke: (m) => m.machineAgentHeartbeat({ agentToken: "at-1", leaseSeconds: 60 }),
  },
];

// ---- The contract, written from docs/api-contract independently of src/envelope.ts ----

type Outcome =
  | { readonly kind: "resolve" }
  | { readonly kind: "api"; readonly code: string }
  | { readonly kind: "network" }
  | { readonly kind: "any-orchestration-error" };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function matchesEnvelope(expect: Expect, body: unknown, secret: Call["secret"]): boolean {
  if (expect === "void") return true;
  if (!isPlainObject(body)) return false;
  switch (expect) {
    case "list": {
      const next = body.nextCursor;
      return Array.isArray(body.items) &&
        (next === undefined || next === null || typeof next === "string");
    }
    case "item": {
      // None of the fuzzed item routes may answer `item: null`; a one-time token must be there
      // (an enrollment's as `provisioningToken` or `agentToken`).
      if (!isPlainObject(body.item)) return false;
      if (secret === undefined) return true;
      const token = body.item[secret] ??
        (secret === "provisioningToken" ? body.item.agentToken : undefined);
      return typeof token === "string" && token !== "";
    }
    case "execute": {
      if (!isPlainObject(body.order) || !isPlainObject(body.execution)) return false;
      const status = body.execution.statusCode;
      return status === 200 || status === 202;
    }
    case "confirm":
      return isPlainObject(body.order);
    case "dispute":
      return isPlainObject(body.order) && isPlainObject(body.dispute);
    case "heartbeat":
      return isPlainObject(body.agent);
  }
}

const isCode = (value: unknown): value is string =>
  typeof value === "string" && value !== "" && value.length <= 100;

/**
 * The code of an error body in any shape the contract reads: `{ error: { code } }`, a flat
 * `{ code }`, or `{ error: "CODE" }` (upper snake case, so `{ error: "Not Found" }` is none).
 */
function errorCodeOf(body: unknown): string | undefined {
  if (!isPlainObject(body)) return undefined;
  if (isPlainObject(body.error)) {
    return isCode(body.error.code) ? body.error.code : isCode(body.code) ? body.code : undefined;
  }
  if (isCode(body.code)) return body.code;
  const error = body.error;
  return isCode(error) && /^[A-Z][A-Z0-9_]*$/.test(error) ? error : undefined;
}

/** What the contract says a call must do with this status and (decoded) body text. */
function expectedOutcome(
  status: number,
  text: string,
  expect: Expect,
  secret: Call["secret"],
): Outcome {
  if (status === 0 || (status >= 300 && status < 400)) return { kind: "api", code: "BAD_RESPONSE" };
  const ok = status >= 200 && status < 300;
  // A void route ignores whatever body it gets; any other must get one.
  if (ok && expect === "void") return { kind: "resolve" };
  if (ok && (status === 204 || text === "")) return { kind: "api", code: "INVALID_RESPONSE_SHAPE" };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { kind: "api", code: "BAD_RESPONSE" };
  }
  if (ok) {
    return matchesEnvelope(expect, body, secret)
      ? { kind: "resolve" }
      : { kind: "api", code: "INVALID_RESPONSE_SHAPE" };
  }
  return { kind: "api", code: errorCodeOf(body) ?? "INVALID_RESPONSE_SHAPE" };
}

// ---- Generated responses ----

/** A body as bytes, or one that fails mid-stream after `prefix`. */
type BodySpec =
  | { readonly kind: "bytes"; readonly bytes: Uint8Array }
  | { readonly kind: "stream-error"; readonly prefix: Uint8Array };

const encoder = new TextEncoder();
const text = (value: string): BodySpec => ({ kind: "bytes", bytes: encoder.encode(value) });

const jsonValue = fc.jsonValue({ maxDepth: 3, depthSize: "small" });
const wrongTyped = fc.oneof(
  jsonValue,
  fc.constantFrom(null, [], {}, "", 0, true, "200", 200.5, [1, 2]),
);
const recordLike = fc.oneof(
  { weight: 3, arbitrary: fc.dictionary(fc.string({ maxLength: 12 }), jsonValue, { maxKeys: 4 }) },
  { weight: 1, arbitrary: wrongTyped },
);

/** Objects shaped like (or almost like) the envelopes of the contract. */
const envelopeLike: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ items: fc.oneof(fc.array(recordLike, { maxLength: 4 }), wrongTyped) }, {
    requiredKeys: [],
  }).chain((base) =>
    fc.option(fc.oneof(fc.string(), wrongTyped), { nil: undefined }).map((nextCursor) =>
      nextCursor === undefined ? base : { ...base, nextCursor }
    )
  ),
  fc.record({
    item: fc.oneof(
      recordLike,
      fc.tuple(recordLike, fc.constantFrom("pairingToken", "provisioningToken")).map((
        [item, name],
      ) => (isPlainObject(item) ? { ...item, [name]: SECRET_IN_BODY } : item)),
    ),
  }, { requiredKeys: [] }),
  fc.record({
    order: recordLike,
    execution: fc.oneof(
      fc.record({
        statusCode: fc.oneof(fc.constantFrom(200, 202, 201, 204, "200"), wrongTyped),
        mode: fc.constantFrom("native", "external-handoff"),
      }, { requiredKeys: [] }),
      wrongTyped,
    ),
  }, { requiredKeys: [] }),
  fc.record({ order: recordLike, dispute: recordLike }, { requiredKeys: [] }),
  fc.record({ agent: recordLike }, { requiredKeys: [] }),
  fc.record({
    error: fc.oneof(
      fc.record({
        code: fc.oneof(fc.constantFrom("NOT_FOUND", "VALIDATION_ERROR", ""), wrongTyped),
        message: fc.oneof(fc.string(), wrongTyped),
        details: wrongTyped,
      }, { requiredKeys: [] }),
      wrongTyped,
    ),
  }),
  // The other error-body shapes servers use: flat, `error` as a string, a message alone.
  fc.record({
    code: fc.oneof(fc.constantFrom("NOT_FOUND", "RATE_LIMITED", ""), wrongTyped),
    message: fc.oneof(fc.string(), wrongTyped),
    details: wrongTyped,
  }, { requiredKeys: [] }),
  fc.record({
    error: fc.oneof(
      fc.constantFrom("NOT_FOUND", "Not Found", "bad_request", "", "X".repeat(101)),
      fc.string(),
    ),
    message: fc.oneof(fc.string(), wrongTyped),
  }, { requiredKeys: [] }),
  fc.record({ message: fc.string() }),
);

const envelopeText = envelopeLike.map((value) => JSON.stringify(value));

const dict = fc.dictionary(fc.string({ maxLength: 12 }), jsonValue, { maxKeys: 4 });

/** Mostly valid envelopes of one kind, and valid error envelopes, so both paths get traffic. */
function validLeaning(expect: Expect): fc.Arbitrary<unknown> {
  const success: Record<Expect, fc.Arbitrary<unknown>> = {
    list: fc.record({
      items: fc.array(dict, { maxLength: 4 }),
      nextCursor: fc.oneof(fc.string({ minLength: 1 }), fc.constant(null)),
    }, { requiredKeys: ["items"] }),
    item: fc.record({
      item: fc.oneof(
        { weight: 4, arbitrary: dict },
        { weight: 2, arbitrary: dict.map((item) => ({ ...item, pairingToken: SECRET_IN_BODY })) },
        {
          weight: 2,
          arbitrary: dict.map((item) => ({ ...item, provisioningToken: SECRET_IN_BODY })),
        },
        { weight: 1, arbitrary: fc.constant(null) },
      ),
    }),
    void: fc.oneof(dict, fc.constant({})),
    execute: fc.record({
      order: dict,
      execution: fc.record({
        statusCode: fc.constantFrom(200, 202),
        mode: fc.constantFrom("native", "external-handoff"),
      }),
    }),
    confirm: fc.record({ order: dict, payment: fc.oneof(dict, fc.constant(null)) }),
    dispute: fc.record({ order: dict, dispute: dict }),
    heartbeat: fc.record({ agent: dict, endpoints: fc.array(dict, { maxLength: 2 }) }),
  };
  const error = fc.record({
    error: fc.record({
      code: fc.oneof(
        fc.constantFrom("NOT_FOUND", "VALIDATION_ERROR", "AGENT_AUTH_INVALID", "INTERNAL"),
        fc.string({ minLength: 1, maxLength: 20 }),
      ),
      message: fc.string({ maxLength: 40 }),
      details: jsonValue,
    }, { requiredKeys: ["code"] }),
  });
  return fc.oneof({ weight: 2, arbitrary: success[expect] }, { weight: 1, arbitrary: error });
}

function bodiesFor(expect: Expect): fc.Arbitrary<BodySpec> {
  return fc.oneof(
    { weight: 120, arbitrary: validLeaning(expect).map((value) => text(JSON.stringify(value))) },
    { weight: 80, arbitrary: envelopeText.map(text) },
    { weight: 40, arbitrary: fc.json({ maxDepth: 3 }).map(text) },
    {
      weight: 60,
      arbitrary: fc.tuple(fc.oneof(envelopeText, fc.json({ maxDepth: 3 })), fc.nat()).map((
        [json, cut],
      ) => text(json.slice(0, json.length === 0 ? 0 : cut % json.length))),
    },
    {
      weight: 20,
      arbitrary: fc.string({ maxLength: 40 }).map((s) =>
        text(`<!doctype html><html><body><h1>502 Bad Gateway</h1>${s}</body></html>`)
      ),
    },
    {
      weight: 40,
      arbitrary: fc.constantFrom(
        "",
        " ",
        "null",
        "[]",
        "[{}]",
        "true",
        "0",
        '"item"',
        "{}",
        "\ufeff{}",
      )
        .map(text),
    },
    {
      weight: 20,
      arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes): BodySpec => ({
        kind: "bytes",
        bytes,
      })),
    },
    { weight: 20, arbitrary: fc.string({ unit: "binary", maxLength: 40 }).map(text) },
    {
      weight: 20,
      arbitrary: fc.uint8Array({ maxLength: 32 }).map((prefix): BodySpec => ({
        kind: "stream-error",
        prefix,
      })),
    },
    // Huge: about 0.5–1.5 MB of valid or cut JSON. Rare, so the whole run stays fast.
    {
      weight: 1,
      arbitrary: fc.tuple(fc.integer({ min: 5_000, max: 15_000 }), fc.boolean()).map((
        [count, cut],
      ) => {
        const json = JSON.stringify({
          items: Array.from({ length: count }, (_, i) => ({ id: `m-${i}`, pad: "x".repeat(80) })),
        });
        return text(cut ? json.slice(0, json.length - 7) : json);
      }),
    },
  );
}

const headerToken = fc.string({
  unit: fc.constantFrom(..."abcdefXYZ0123456789-_.:/ "),
  maxLength: 24,
})
  .map((s) => s.trim());

const headers: fc.Arbitrary<[string, string][]> = fc.record({
  contentType: fc.option(
    fc.constantFrom(
      "application/json",
      "application/json; charset=utf-8",
      "text/html",
      "text/plain",
      "application/octet-stream",
      "application/problem+json",
      "application/json; charset=utf-16",
      "nonsense",
    ),
    { nil: undefined },
  ),
  requestId: fc.option(headerToken, { nil: undefined }),
  retryAfter: fc.option(
    fc.oneof(
      headerToken,
      fc.constantFrom("0", "1", "-5", "Infinity", "1e308", "Wed, 21 Oct 2015 07:28:00 GMT"),
    ),
    { nil: undefined },
  ),
}).map(({ contentType, requestId, retryAfter }) => {
  const list: [string, string][] = [];
  if (contentType !== undefined) list.push(["content-type", contentType]);
  if (requestId) list.push(["x-request-id", requestId]);
  if (retryAfter) list.push(["retry-after", retryAfter]);
  return list;
});

/** Statuses `new Response()` accepts, weighted toward the ones the API uses. */
const constructibleStatus = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(200, 201, 202) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      200,
      201,
      202,
      204,
      205,
      301,
      304,
      400,
      401,
      403,
      404,
      409,
      422,
      429,
      500,
      502,
      503,
    ),
  },
  { weight: 2, arbitrary: fc.integer({ min: 200, max: 599 }) },
);

/** Statuses only a duck-typed response can carry (opaque redirect 0, informational, 6xx+). */
const exoticStatus = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 100, max: 199 }),
  fc.integer({ min: 600, max: 999 }),
);

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

type Served = {
  readonly status: number;
  readonly headers: [string, string][];
  readonly body: BodySpec;
  /** Build a duck-typed response instead of a real `Response`. */
  readonly duck: boolean;
};

function servedFor(expect: Expect): fc.Arbitrary<Served> {
  const bodies = bodiesFor(expect);
  return fc.oneof(
    {
      weight: 9,
      arbitrary: fc.record({
        status: constructibleStatus,
        headers,
        body: bodies,
        duck: fc.constant(false),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        status: exoticStatus,
        headers,
        body: bodies,
        duck: fc.constant(true),
      }),
    },
  );
}

/** A call and a response for it: the body leans toward that call's envelope. */
const callAndServed: fc.Arbitrary<{ index: number; served: Served }> = fc.oneof(
  ...CALLS.map((call, index) => servedFor(call.expect).map((served) => ({ index, served }))),
);

function decodedText(served: Served): string {
  if (served.body.kind !== "bytes" || (!served.duck && NULL_BODY_STATUS.has(served.status))) {
    return "";
  }
  return new TextDecoder().decode(served.body.bytes);
}

function streamBody(body: BodySpec): BodyInit {
  if (body.kind === "bytes") return body.bytes as Uint8Array<ArrayBuffer>;
  const prefix = body.prefix;
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent && prefix.length > 0) {
        sent = true;
        controller.enqueue(prefix);
      } else {
        controller.error(new TypeError("error reading a body from connection: connection reset"));
      }
    },
  });
}

function buildResponse(served: Served): Response {
  if (served.duck) {
    const decoded = decodedText(served);
    const fail = served.body.kind === "stream-error";
    return {
      status: served.status,
      headers: new Headers(served.headers),
      text: () =>
        fail ? Promise.reject(new TypeError("body stream errored")) : Promise.resolve(decoded),
    } as unknown as Response;
  }
  const body = NULL_BODY_STATUS.has(served.status) ? null : streamBody(served.body);
  return new Response(body, { status: served.status, headers: served.headers });
}

function outcomeOf(served: Served, call: Call): Outcome {
  const bodyFails = served.body.kind === "stream-error" &&
    (served.duck || !NULL_BODY_STATUS.has(served.status));
  // A body that dies mid-read is a network failure, except where the status alone decides.
  if (bodyFails) return { kind: "network" };
  return expectedOutcome(served.status, decodedText(served), call.expect, call.secret);
}

/** Runs one call and checks the result against the contract; returns a failure text or "". */
async function checkCall(
  market: OrchestrationClient,
  call: Call,
  expected: Outcome,
  status: number,
): Promise<void> {
  let result: unknown;
  let error: unknown;
  let rejected = false;
  try {
    result = await call.invoke(market);
  } catch (caught) {
    rejected = true;
    error = caught;
  }
  if (!rejected) {
    assert(
      expected.kind === "resolve",
      `${call.name} resolved but the contract says ${JSON.stringify(expected)} (status ${status})`,
    );
    if (call.expect === "void") assertEquals(result, undefined);
    if (call.secret) {
      const item = (result as { item?: Record<string, unknown> | null } | undefined)?.item;
      if (item && item[call.secret] === SECRET_IN_BODY) {
        assert(
          !JSON.stringify(result).includes(SECRET_IN_BODY),
          "one-time secret in JSON.stringify",
        );
        assert(
          !Deno.inspect(result, { depth: Infinity }).includes(SECRET_IN_BODY),
          "one-time secret in inspect",
        );
      }
    }
    return;
  }
  if (!(error instanceof OrchestrationError)) {
    throw new Error(
      `${call.name} rejected with a bare ${
        (error as Error)?.constructor?.name ?? typeof error
      } (status ${status}): ${String((error as Error)?.message ?? error)}`,
    );
  }
  const printed = `${error.message}\n${error.stack}\n${JSON.stringify(error)}\n${
    Deno.inspect(error)
  }`;
  assert(!printed.includes(API_KEY), "API key in a printed error");
  assert(!printed.includes(PAIRING_TOKEN), "pairing token in a printed error");
  switch (expected.kind) {
    case "resolve":
      throw new Error(
        `${call.name} rejected but the contract says it resolves (status ${status}): ${error.message}`,
      );
    case "network":
      assertInstanceOf(error, OrchestrationNetworkError);
      assertEquals(error.timedOut, false);
      return;
    case "api":
      assertInstanceOf(error, OrchestrationApiError);
      assertEquals(error.statusCode, status);
      assertEquals(error.code, expected.code);
      return;
    case "any-orchestration-error":
      return;
  }
}

function clientWith(
  fetch: FetchLike | undefined,
  url: string,
  retry: boolean,
): OrchestrationClient {
  return new PeaqosClient({
    orchestrationUrl: url,
    apiKey: API_KEY,
    ...(fetch ? { fetch } : {}),
    timeouts: { read: 5_000, write: 5_000 },
    ...(retry ? { retry: { maxAttempts: 3, baseDelayMs: 0, maxDelayMs: 0 } } : {}),
    onRequest: () => {},
    onResponse: () => {},
  }).orchestration;
}

Deno.test("transport maps any response to the contract's outcome or an OrchestrationError (fetch option, >= 10,000 cases)", async () => {
  let current: Served | undefined;
  let fetches = 0;
  const fetch: FetchLike = () => {
    fetches++;
    return Promise.resolve(buildResponse(current!));
  };
  const plain = clientWith(fetch, "http://127.0.0.1:1", false);
  const retrying = clientWith(fetch, "http://127.0.0.1:1", true);
  let cases = 0;
  await fc.assert(
    fc.asyncProperty(
      callAndServed,
      fc.boolean(),
      async ({ index, served: response }, retry) => {
        cases++;
        current = response;
        const call = CALLS[index]!;
        await checkCall(
          retry ? retrying : plain,
          call,
          outcomeOf(response, call),
          response.status,
        );
      },
    ),
    fuzzParams(10_000),
  );
  assert(cases >= Math.min(10_000, fuzzParams(10_000).numRuns ?? 0), `only ${cases} cases ran`);
  assert(fetches >= cases, "every case reached fetch");
});

/** Ways `fetch` itself can fail: rejections of every type, and non-Response results. */
const fetchFailures: fc.Arbitrary<() => Promise<Response>> = fc.oneof(
  fc.string().map((message) => () => Promise.reject(new TypeError(message))),
  fc.constant(() => Promise.reject(new DOMException("The operation was aborted", "AbortError"))),
  fc.anything({ maxDepth: 1 }).map((reason) => () => Promise.reject(reason)),
  fc.constant(() => Promise.resolve(null as unknown as Response)),
  fc.constant(() => Promise.resolve({} as Response)),
  fc.constant(() =>
    Promise.resolve({
      status: 200,
      headers: new Headers(),
      text: () => {
        throw new SyntaxError("sync throw");
      },
    } as unknown as Response)
  ),
  fc.constant((): Promise<Response> => {
    throw new TypeError("fetch threw synchronously");
  }),
);

Deno.test("transport turns any fetch failure into OrchestrationNetworkError", async () => {
  let current: (() => Promise<Response>) | undefined;
  const market = clientWith(() => current!(), "http://127.0.0.1:1", false);
  await fc.assert(
    fc.asyncProperty(fetchFailures, fc.nat(CALLS.length - 1), async (failure, index) => {
      current = failure;
      const call = CALLS[index]!;
      try {
        await call.invoke(market);
      } catch (error) {
        assertInstanceOf(error, OrchestrationNetworkError);
        assertEquals(error.timedOut, false);
        assert(!error.message.includes(API_KEY));
        return;
      }
      throw new Error(`${call.name} resolved although fetch failed`);
    }),
    fuzzParams(1_000),
  );
});

// ---- Over real HTTP: a raw TCP server writing the exact bytes ----

const REASONS = ["OK", "", "Whatever", "Not Found"];

/** A well-formed response (correct length, `connection: close`) of a generated case. */
function wellFormed(served: Served, reason: string): Uint8Array {
  const bytes = served.body.kind === "bytes" ? served.body.bytes : served.body.prefix;
  const body = NULL_BODY_STATUS.has(served.status) ? new Uint8Array(0) : bytes;
  const list: [string, string][] = [
    ...served.headers,
    ["content-length", String(body.length)],
    ["connection", "close"],
  ];
  return rawResponse(`HTTP/1.1 ${served.status} ${reason}`, list, body);
}

const malformed: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 200 }),
  fc.string({ maxLength: 60 }).map((s) => encoder.encode(`${s}\r\n\r\n`)),
  fc.tuple(fc.integer({ min: 0, max: 1200 }), fc.string({ maxLength: 30 })).map((
    [status, reason],
  ) =>
    rawResponse(`HTTP/1.1 ${status} ${reason.replace(/[\r\n]/g, "")}`, [["connection", "close"], [
      "content-length",
      "2",
    ]], "{}")
  ),
  // Declares more body than it sends, then closes: a body cut mid-way.
  fc.tuple(fc.integer({ min: 3, max: 100_000 }), envelopeText).map(([extra, json]) =>
    rawResponse("HTTP/1.1 200 OK", [["content-type", "application/json"], [
      "content-length",
      String(json.length + extra),
    ]], json)
  ),
  // Chunked with broken framing.
  fc.string({ maxLength: 40 }).map((s) =>
    rawResponse(
      "HTTP/1.1 200 OK",
      [["transfer-encoding", "chunked"], ["connection", "close"]],
      `zz\r\n${s}\r\n`,
    )
  ),
  // Invalid header lines.
  fc.string({ maxLength: 30 }).map((s) =>
    encoder.encode(
      `HTTP/1.1 200 OK\r\n${s.replace(/[\r\n]/g, "")}\r\n: nameless\r\ncontent-length: 2\r\n\r\n{}`,
    )
  ),
);

type WireCase =
  | {
    readonly kind: "well-formed";
    readonly index: number;
    readonly served: Served;
    readonly reason: string;
  }
  | { readonly kind: "malformed"; readonly index: number; readonly bytes: Uint8Array };

const BYTES_BODIES = Object.fromEntries(
  CALLS.map((call) => [call.expect, bodiesFor(call.expect).filter((b) => b.kind === "bytes")]),
) as Record<Expect, fc.Arbitrary<BodySpec>>;

const wireCases: fc.Arbitrary<WireCase> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("well-formed" as const),
      index: fc.nat(CALLS.length - 1),
      reason: fc.constantFrom(...REASONS),
    }).chain(({ kind, index, reason }) =>
      fc.record({
        kind: fc.constant(kind),
        index: fc.constant(index),
        reason: fc.constant(reason),
        // 1xx are informational in HTTP (never a final answer), so statuses start at 200.
        served: fc.record({
          status: constructibleStatus,
          headers,
          body: BYTES_BODIES[CALLS[index]!.expect],
          duck: fc.constant(false),
        }),
      })
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("malformed" as const),
      index: fc.nat(CALLS.length - 1),
      bytes: malformed,
    }),
  },
);

Deno.test("transport maps any HTTP response from a real 127.0.0.1 server to the contract or an OrchestrationError", async () => {
  let current: WireCase | undefined;
  const server = startRawServer(() => {
    const wire = current!;
    return {
      bytes: wire.kind === "well-formed" ? wellFormed(wire.served, wire.reason) : wire.bytes,
    };
  });
  const market = clientWith(undefined, server.url, false);
  let wellFormedCases = 0;
  try {
    await fc.assert(
      fc.asyncProperty(wireCases, async (wire) => {
        current = wire;
        const call = CALLS[wire.index]!;
        if (wire.kind === "well-formed") {
          wellFormedCases++;
          const expected = expectedOutcome(
            wire.served.status,
            decodedText(wire.served),
            call.expect,
            call.secret,
          );
          await checkCall(market, call, expected, wire.served.status);
        } else {
          try {
            await call.invoke(market);
          } catch (error) {
            if (!(error instanceof OrchestrationError)) {
              throw new Error(
                `${call.name} rejected with a bare ${(error as Error)?.constructor?.name}: ${
                  (error as Error)?.message
                }`,
              );
            }
          }
        }
      }),
      fuzzParams(1_000),
    );
  } finally {
    await server.close();
  }
  assert(wellFormedCases > 0, "some well-formed cases ran");
  assert(server.requests.length > 0, "requests reached the server");
});
