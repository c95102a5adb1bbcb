/**
 * Error paths of the transport against a real HTTP server: the error envelope, malformed
 * bodies, wrong shapes, 204, connection failures, timeouts, aborts, redirects; the error class
 * hierarchy and the exported error codes.
 */
import {
  assert,
  assertEquals,
  assertInstanceOf,
  assertRejects,
  assertStrictEquals,
  assertStringIncludes,
} from "@std/assert";
import * as sdk from "../../mod.ts";
import {
  OrchestrationApiError,
  OrchestrationConfigError,
  OrchestrationError,
  OrchestrationNetworkError,
  OrchestrationValidationError,
  PeaqosClient,
  PeaqosError,
} from "../../mod.ts";
import type { OrchestrationClient } from "../../mod.ts";
import {
  API_KEY,
  closedPort,
  orchestrationFor,
  PAIRING_TOKEN,
  type Reply,
  startServer,
} from "../_recording_server.ts";

Deno.test("OrchestrationApiError carries code, statusCode, details and requestId of the envelope", async () => {
  await using server = startServer({
    status: 404,
    body: { error: { code: "NOT_FOUND", message: "Machine not found", details: { id: "m-9" } } },
    headers: { "x-request-id": "req-123" },
  });
  const api = orchestrationFor(server);
  const error = await assertRejects(() => api.getMachine("m-9"), OrchestrationApiError);
  assertEquals(error.code, "NOT_FOUND");
  assertEquals(error.code, sdk.ERROR_CODE_NOT_FOUND);
  assertEquals(error.statusCode, 404);
  assertEquals(error.details, { id: "m-9" });
  assertEquals(error.requestId, "req-123");
  assertStringIncludes(error.message, "Machine not found");
  assertEquals(error.request?.method, "GET");
  assertEquals(error.request?.path, "/api/v1/machines/m-9");
});

Deno.test("OrchestrationApiError has null details and undefined requestId when the server sends none", async () => {
  await using server = startServer({
    status: 409,
    body: { error: { code: "ORDER_CLOSED", message: "Order is closed" } },
  });
  const error = await assertRejects(
    () => orchestrationFor(server).confirmMarketOrder("o-1", PAIRING_TOKEN),
    OrchestrationApiError,
  );
  assertEquals(error.code, sdk.ERROR_CODE_ORDER_CLOSED);
  assertEquals(error.statusCode, 409);
  assertStrictEquals(error.details, null);
  assertStrictEquals(error.requestId, undefined);
});

Deno.test("request() maps a non-JSON error body to BAD_RESPONSE with the HTTP status", async () => {
  await using server = startServer({
    status: 502,
    raw: "<html>Bad gateway</html>",
    headers: { "content-type": "text/html" },
  });
  const error = await assertRejects(
    () => orchestrationFor(server).listMachines(),
    OrchestrationApiError,
  );
  assertEquals(error.code, "BAD_RESPONSE");
  assertEquals(error.code, sdk.ERROR_CODE_BAD_RESPONSE);
  assertEquals(error.statusCode, 502);
});

Deno.test("request() maps a non-JSON success body to BAD_RESPONSE", async () => {
  await using server = startServer({ status: 200, raw: "OK" });
  const error = await assertRejects(
    () => orchestrationFor(server).getMachine("m-1"),
    OrchestrationApiError,
  );
  assertEquals(error.code, "BAD_RESPONSE");
  assertEquals(error.statusCode, 200);
});

Deno.test("request() maps an empty error body to BAD_RESPONSE", async () => {
  await using server = startServer({ status: 500, raw: "" });
  const error = await assertRejects(
    () => orchestrationFor(server).getMachine("m-1"),
    OrchestrationApiError,
  );
  assertEquals(error.code, "BAD_RESPONSE");
  assertEquals(error.statusCode, 500);
});

type ShapeCase = {
  readonly name: string;
  readonly call: (api: OrchestrationClient) => Promise<unknown>;
  readonly reply: Reply;
};

const execute = (api: OrchestrationClient) => api.executeMarketOrder("o-1", {}, PAIRING_TOKEN);

const SHAPE_CASES: readonly ShapeCase[] = [
  {
    name: "an error body without an error envelope",
    call: (api) => api.getMachine("m-1"),
    reply: { status: 400, body: { message: "nope" } },
  },
  {
    name: "an error envelope without a code",
    call: (api) => api.getMachine("m-1"),
    reply: { status: 400, body: { error: { message: "nope" } } },
  },
  {
    name: "a list whose items is not an array",
    call: (api) => api.listMachines(),
    reply: { body: { items: { id: "m-1" } } },
  },
  {
    name: "a list without items",
    call: (api) => api.listSkills(),
    reply: { body: { data: [] } },
  },
  {
    name: "a list with a non-string nextCursor",
    call: (api) => api.listMarketServices(),
    reply: { body: { items: [], nextCursor: 7 } },
  },
  {
    name: "an item response without item",
    call: (api) => api.getMachine("m-1"),
    reply: { body: { id: "m-1" } },
  },
  {
    name: "an item response whose item is a string",
    call: (api) => api.getMarketOrder("o-1"),
    reply: { body: { item: "o-1" } },
  },
  {
    name: "a JSON array instead of an object",
    call: (api) => api.getMachine("m-1"),
    reply: { body: [{ id: "m-1" }] },
  },
  {
    name: "JSON null",
    call: (api) => api.listMachines(),
    reply: { raw: "null", headers: { "content-type": "application/json" } },
  },
  {
    name: "an execute response without execution",
    call: execute,
    reply: { body: { order: { id: "o-1" } } },
  },
  {
    name: "an execute response without order",
    call: execute,
    reply: { body: { execution: { statusCode: 200, mode: "native" } } },
  },
  {
    name: "an execute response with execution.statusCode 201",
    call: execute,
    reply: { body: { order: { id: "o-1" }, execution: { statusCode: 201 } } },
  },
  {
    name: "an execute response with execution.statusCode as a string",
    call: execute,
    reply: { body: { order: { id: "o-1" }, execution: { statusCode: "200" } } },
  },
  {
    name: "a confirm response without order",
    call: (api) => api.confirmMarketOrder("o-1", PAIRING_TOKEN),
    reply: { body: { payment: null } },
  },
  {
    name: "a dispute response without dispute",
    call: (api) => api.disputeMarketOrder("o-1", { reason: "late" }, PAIRING_TOKEN),
    reply: { body: { order: { id: "o-1" }, payment: null } },
  },
  {
    name: "a heartbeat response without agent",
    call: (api) => api.machineAgentHeartbeat({ agentToken: "agent-token" }),
    reply: { body: { endpoints: [] } },
  },
];

for (const c of SHAPE_CASES) {
  Deno.test(`request() rejects ${c.name} with INVALID_RESPONSE_SHAPE`, async () => {
    await using server = startServer(c.reply);
    const error = await assertRejects(
      () => c.call(orchestrationFor(server)),
      OrchestrationApiError,
    );
    assertEquals(error.code, "INVALID_RESPONSE_SHAPE");
    assertEquals(error.code, sdk.ERROR_CODE_INVALID_RESPONSE_SHAPE);
    assertEquals(error.statusCode, c.reply.status ?? 200);
    assertEquals(server.requests.length, 1);
  });
}

Deno.test("request() resolves a void route to undefined on 204, an empty 200 or any body", async () => {
  await using server = startServer({ status: 204 });
  const api = orchestrationFor(server);
  assertStrictEquals(await api.archiveMachine("m-1"), undefined);
  server.respond({ status: 200, raw: "" });
  assertStrictEquals(await api.deleteRuntimeEndpoint("m-1", "ollama"), undefined);
  // Whatever a server adds to a void answer is ignored, not parsed.
  server.respond({ status: 200, raw: "OK" });
  assertStrictEquals(await api.revokeAgentPairing("m-1", "p-1"), undefined);
  assertEquals(server.requests.length, 3);
});

type NoBodyCase = {
  readonly name: string;
  readonly call: (api: OrchestrationClient) => Promise<unknown>;
};

const PROMISED_BODIES: readonly NoBodyCase[] = [
  { name: "getMachine", call: (api) => api.getMachine("m-1") },
  { name: "listMachines", call: (api) => api.listMachines() },
  { name: "updateMachine", call: (api) => api.updateMachine("m-1", { displayName: "x" }) },
  { name: "executeMarketOrder", call: (api) => api.executeMarketOrder("o-1", {}, PAIRING_TOKEN) },
  { name: "confirmMarketOrder", call: (api) => api.confirmMarketOrder("o-1", PAIRING_TOKEN) },
  { name: "getMarketPayment", call: (api) => api.getMarketPayment("o-1") },
  { name: "getHealth", call: (api) => api.getHealth() },
];

for (const reply of [{ status: 204 }, { status: 200, raw: "" }] as const) {
  const what = reply.status === 204 ? "204 No Content" : "an empty 200";
  Deno.test(`request() rejects ${what} where a body is promised with INVALID_RESPONSE_SHAPE`, async () => {
    await using server = startServer(reply);
    const api = orchestrationFor(server);
    for (const c of PROMISED_BODIES) {
      const error = await assertRejects(() => c.call(api), OrchestrationApiError);
      assertEquals(error.code, "INVALID_RESPONSE_SHAPE", c.name);
      assertEquals(error.statusCode, reply.status, c.name);
    }
  });
}

Deno.test("listMachinesAll() rejects with INVALID_RESPONSE_SHAPE, not a TypeError, on a 204 page", async () => {
  await using server = startServer({ status: 204 });
  server.enqueue({ body: { items: [{ id: "m-1" }], nextCursor: "c2" } });
  const seen: string[] = [];
  const error = await assertRejects(async () => {
    for await (const machine of orchestrationFor(server).listMachinesAll()) seen.push(machine.id);
  }, OrchestrationApiError);
  assertEquals(error.code, "INVALID_RESPONSE_SHAPE");
  assertEquals(seen, ["m-1"]);
  assertEquals(server.requests.length, 2);
});

Deno.test("request() rejects item: null with INVALID_RESPONSE_SHAPE except where the document allows it", async () => {
  await using server = startServer({ body: { item: null } });
  const api = orchestrationFor(server);
  const error = await assertRejects(() => api.getMachine("m-1"), OrchestrationApiError);
  assertEquals(error.code, "INVALID_RESPONSE_SHAPE");
  // getMarketPayment: `item` is null when the order has no payment yet.
  assertEquals(await api.getMarketPayment("o-1"), { item: null });
});

Deno.test("request() keeps unknown extra fields of a response", async () => {
  await using server = startServer({
    body: { item: { id: "m-1", futureField: { nested: true } }, meta: { served: "edge" } },
  });
  const response = await orchestrationFor(server).getMachine("m-1");
  assertEquals(response as unknown, {
    item: { id: "m-1", futureField: { nested: true } },
    meta: { served: "edge" },
  });
});

type ErrorBodyCase = {
  readonly name: string;
  readonly body: unknown;
  readonly code: string;
  readonly serverMessage: string | undefined;
  readonly details?: unknown;
};

const ERROR_BODIES: readonly ErrorBodyCase[] = [
  {
    name: "the contract's { error: { code, message, details } }",
    body: { error: { code: "NOT_FOUND", message: "Machine not found", details: { id: "m-9" } } },
    code: "NOT_FOUND",
    serverMessage: "Machine not found",
    details: { id: "m-9" },
  },
  {
    name: "a flat { code, message, details }",
    body: { code: "VALIDATION_ERROR", message: "limit too large", details: [{ path: "limit" }] },
    code: "VALIDATION_ERROR",
    serverMessage: "limit too large",
    details: [{ path: "limit" }],
  },
  {
    name: '{ error: "CODE", message }',
    body: { error: "RATE_LIMITED", message: "Slow down" },
    code: "RATE_LIMITED",
    serverMessage: "Slow down",
  },
  {
    name: "{ message } alone",
    body: { message: "Something broke upstream" },
    code: "INVALID_RESPONSE_SHAPE",
    serverMessage: "Something broke upstream",
  },
  {
    name: '{ error: "<human text>" }',
    body: { error: "Not Found" },
    code: "INVALID_RESPONSE_SHAPE",
    serverMessage: "Not Found",
  },
  {
    name: "{ error: { message } } without a code",
    body: { error: { message: "nope" } },
    code: "INVALID_RESPONSE_SHAPE",
    serverMessage: "nope",
  },
  {
    name: "a numeric code",
    body: { code: 404, message: "Not here" },
    code: "INVALID_RESPONSE_SHAPE",
    serverMessage: "Not here",
  },
  { name: "an empty object", body: {}, code: "INVALID_RESPONSE_SHAPE", serverMessage: undefined },
];

for (const c of ERROR_BODIES) {
  Deno.test(`OrchestrationApiError reads ${c.name} and keeps the server's message`, async () => {
    await using server = startServer({ status: 404, body: c.body });
    const error = await assertRejects(
      () => orchestrationFor(server).getMachine("m-9"),
      OrchestrationApiError,
    );
    assertEquals(error.code, c.code);
    assertEquals(error.statusCode, 404);
    assertStrictEquals(error.serverMessage, c.serverMessage);
    if (c.serverMessage) assertStringIncludes(error.message, c.serverMessage);
    if ("details" in c) assertEquals(error.details, c.details);
  });
}

Deno.test("OrchestrationApiError keeps a plain-text error body as serverMessage under BAD_RESPONSE", async () => {
  await using server = startServer({ status: 503, raw: "Service Unavailable" });
  const error = await assertRejects(
    () => orchestrationFor(server).getMachine("m-1"),
    OrchestrationApiError,
  );
  assertEquals([error.code, error.serverMessage], ["BAD_RESPONSE", "Service Unavailable"]);
  // Markup is not a message.
  server.respond({ status: 502, raw: "<html><body>Bad gateway</body></html>" });
  const html = await assertRejects(
    () => orchestrationFor(server).getMachine("m-1"),
    OrchestrationApiError,
  );
  assertStrictEquals(html.serverMessage, undefined);
});

Deno.test("OrchestrationApiError takes requestId from the body when the header is absent", async () => {
  const body = { error: { code: "INTERNAL", message: "boom", requestId: "req-body" } };
  await using server = startServer({ status: 500, body });
  const error = await assertRejects(
    () => orchestrationFor(server).getMachine("m-1"),
    OrchestrationApiError,
  );
  assertEquals(error.requestId, "req-body");
  server.respond({ status: 500, body, headers: { "x-request-id": "req-header" } });
  const preferred = await assertRejects(
    () => orchestrationFor(server).getMachine("m-1"),
    OrchestrationApiError,
  );
  assertEquals(preferred.requestId, "req-header");
});

Deno.test("OrchestrationApiError shortens a huge server message in .message but keeps it whole", async () => {
  const long = "x".repeat(5_000);
  await using server = startServer({
    status: 400,
    body: { error: { code: "BAD", message: long } },
  });
  const error = await assertRejects(
    () => orchestrationFor(server).getMachine("m-1"),
    OrchestrationApiError,
  );
  assertEquals(error.serverMessage, long);
  assert(error.message.length < 1_000, `message of ${error.message.length} characters`);
});

Deno.test("request() rejects with OrchestrationNetworkError and its cause when the connection is refused", async () => {
  const port = closedPort();
  const api = new PeaqosClient({
    orchestrationUrl: `http://127.0.0.1:${port}`,
    apiKey: API_KEY,
  }).orchestration;
  const error = await assertRejects(() => api.listMachines(), OrchestrationNetworkError);
  assert(error.cause !== undefined, "cause holds the transport error");
  assertInstanceOf(error.cause, Error);
  assertEquals(error.timedOut, false);
  assertEquals(error.request?.path, "/api/v1/machines");
  // The message names the host, the port and the root cause, not just "fetch failed".
  assertStringIncludes(error.message, `ECONNREFUSED 127.0.0.1:${port}`);
});

Deno.test("request() times out a server that never answers, via the client's timeouts", async () => {
  await using server = startServer({ hang: true });
  const api = orchestrationFor(server, { timeouts: { read: 40, write: 40 } });
  const error = await assertRejects(() => api.getMachine("m-1"), OrchestrationNetworkError);
  assertEquals(error.timedOut, true);
  assertStringIncludes(error.message, "timed out after 40 ms");
  assert(error.cause !== undefined);
  const write = await assertRejects(
    () => api.createMachine({ displayName: "x", machineType: "rover" }),
    OrchestrationNetworkError,
  );
  assertEquals(write.timedOut, true);
  assertEquals(server.requests.length, 2);
});

Deno.test("request() times out a server that never answers, via a per-call timeoutMs", async () => {
  await using server = startServer({ hang: true });
  const api = orchestrationFor(server);
  const error = await assertRejects(
    () => api.listMachines({}, { timeoutMs: 30 }),
    OrchestrationNetworkError,
  );
  assertEquals(error.timedOut, true);
  assertStringIncludes(error.message, "30 ms");
});

Deno.test("request() rejects with OrchestrationNetworkError when the caller's signal aborts mid-flight", async () => {
  await using server = startServer({ hang: true });
  const api = orchestrationFor(server);
  const controller = new AbortController();
  const reason = new Error("user cancelled");
  const pending = api.getMachine("m-1", { signal: controller.signal });
  // Abort once the server has the request, so the abort happens mid-flight.
  while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 2));
  controller.abort(reason);
  const error = await assertRejects(() => pending, OrchestrationNetworkError);
  assertEquals(error.timedOut, false);
  assertStrictEquals(error.cause, reason);
  assertStringIncludes(error.message, "aborted");
});

Deno.test("request() with an already-aborted signal rejects without a request", async () => {
  await using server = startServer();
  const api = orchestrationFor(server);
  const error = await assertRejects(
    () => api.listMachines(undefined, { signal: AbortSignal.abort() }),
    OrchestrationNetworkError,
  );
  assertEquals(error.timedOut, false);
  assertEquals(server.requests.length, 0);
});

Deno.test("request() does not follow redirects, so credentials never reach another origin", async () => {
  await using elsewhere = startServer();
  await using server = startServer({
    status: 307,
    headers: { location: `${elsewhere.url}/api/v1/machines/m-1` },
  });
  const error = await assertRejects(
    () => orchestrationFor(server).getMachine("m-1"),
    OrchestrationApiError,
  );
  assertEquals(error.code, "BAD_RESPONSE");
  assertEquals(error.statusCode, 307);
  assertEquals(server.requests.length, 1);
  assertEquals(elsewhere.requests.length, 0, "the redirect target saw no request");
});

Deno.test("request() does not follow a same-origin 302 either", async () => {
  await using server = startServer();
  server.enqueue({ status: 302, headers: { location: "/api/v1/machines/other" } });
  const error = await assertRejects(
    () => orchestrationFor(server).getMachine("m-1"),
    OrchestrationApiError,
  );
  assertEquals(error.statusCode, 302);
  assertEquals(server.requests.map((r) => r.path), ["/api/v1/machines/m-1"]);
});

Deno.test("error classes form the documented hierarchy", () => {
  const api = new OrchestrationApiError({ code: "NOT_FOUND", statusCode: 404, message: "x" });
  const network = new OrchestrationNetworkError("x", { cause: new Error("socket") });
  const config = new OrchestrationConfigError("x");
  const validation = new OrchestrationValidationError("limit", "an integer", 0);
  for (const error of [api, network, config, validation]) {
    assertInstanceOf(error, OrchestrationError);
    assertInstanceOf(error, PeaqosError);
    assertInstanceOf(error, Error);
  }
  assertInstanceOf(new OrchestrationError("x"), PeaqosError);
  assertEquals(api.name, "OrchestrationApiError");
  assertEquals(network.name, "OrchestrationNetworkError");
  assertEquals(config.name, "OrchestrationConfigError");
  assertEquals(validation.name, "OrchestrationValidationError");
  assertEquals(new PeaqosError("x").name, "PeaqosError");
  assertEquals((network.cause as Error).message, "socket");
  assertEquals(validation.field, "limit");
  assertEquals(validation.constraint, "an integer");
  assertEquals(api.details, null);
  assertEquals(api.statusCode, 404);
});

// Every ERROR_CODE_* constant the SDK document lists, in its order.
const DOCUMENTED_ERROR_CODES = [
  "ERROR_CODE_AUTH_REQUIRED",
  "ERROR_CODE_AUTH_INVALID",
  "ERROR_CODE_AGENT_AUTH_REQUIRED",
  "ERROR_CODE_AGENT_AUTH_INVALID",
  "ERROR_CODE_AGENT_AUTH_EXPIRED",
  "ERROR_CODE_VALIDATION_ERROR",
  "ERROR_CODE_NOT_FOUND",
  "ERROR_CODE_MACHINE_NOT_ACTIVE",
  "ERROR_CODE_MACHINE_NOT_ACTIVATED",
  "ERROR_CODE_MACHINE_IDENTITY_EXISTS",
  "ERROR_CODE_MACHINE_IDENTITY_IMMUTABLE",
  "ERROR_CODE_MACHINE_IDENTITY_PROOF_REQUIRED",
  "ERROR_CODE_MACHINE_IDENTITY_PROOF_INVALID",
  "ERROR_CODE_MACHINE_IDENTITY_PROOF_EXPIRED",
  "ERROR_CODE_PEAQOS_IDENTITY_UNAVAILABLE",
  "ERROR_CODE_AGENT_PAIRING_PROOF_REQUIRED",
  "ERROR_CODE_AGENT_PAIRING_PROOF_INVALID",
  "ERROR_CODE_AGENT_PAIRING_PROOF_EXPIRED",
  "ERROR_CODE_AGENT_PAIRING_UNAVAILABLE",
  "ERROR_CODE_AGENT_PAIRING_REQUIRED",
  "ERROR_CODE_AGENT_PAIRING_INACTIVE",
  "ERROR_CODE_AGENT_POLICY_DENIED",
  "ERROR_CODE_AGENT_SPEND_LIMIT_EXCEEDED",
  "ERROR_CODE_AGENT_DAILY_LIMIT_EXCEEDED",
  "ERROR_CODE_QUOTE_EXPIRED",
  "ERROR_CODE_ORDER_CLOSED",
  "ERROR_CODE_ORDER_NOT_DELIVERED",
  "ERROR_CODE_PAYMENT_REQUIRED",
  "ERROR_CODE_PAYMENT_RPC_REQUIRED",
  "ERROR_CODE_PAYMENT_RPC_ERROR",
  "ERROR_CODE_PAYMENT_TX_FAILED",
  "ERROR_CODE_EXECUTION_UNSUPPORTED",
  "ERROR_CODE_ENDPOINT_UNREACHABLE",
];

// Beyond the document: synthesised by the SDK, or named by the public API reference.
const EXTRA_ERROR_CODES = [
  "ERROR_CODE_BAD_RESPONSE",
  "ERROR_CODE_INVALID_RESPONSE_SHAPE",
  "ERROR_CODE_PAYMENT_NOT_MINED",
  "ERROR_CODE_PAYMENT_TRANSFER_NOT_FOUND",
  "ERROR_CODE_IDEMPOTENCY_KEY_REUSED",
  "ERROR_CODE_PAYLOAD_TOO_LARGE",
];

Deno.test("every ERROR_CODE_* constant is exported with its name without the prefix", () => {
  assertEquals(DOCUMENTED_ERROR_CODES.length, 33);
  const exports = sdk as unknown as Record<string, unknown>;
  for (const name of [...DOCUMENTED_ERROR_CODES, ...EXTRA_ERROR_CODES]) {
    assertEquals(exports[name], name.slice("ERROR_CODE_".length), name);
  }
  // Nothing exported under the prefix that breaks the naming rule.
  for (const [name, value] of Object.entries(exports)) {
    if (name.startsWith("ERROR_CODE_")) assertEquals(value, name.slice(11), name);
  }
});

Deno.test("ERROR_CODE holds every code keyed by itself, and each ERROR_CODE_* constant is its entry", () => {
  const exports = sdk as unknown as Record<string, unknown>;
  const names = Object.keys(exports).filter((name) => name.startsWith("ERROR_CODE_"));
  assertEquals(
    names.map((name) => name.slice("ERROR_CODE_".length)).sort(),
    Object.keys(sdk.ERROR_CODE).sort(),
  );
  for (const [key, value] of Object.entries(sdk.ERROR_CODE)) {
    assertEquals(value, key);
    assertStrictEquals(exports[`ERROR_CODE_${key}`], value);
  }
  // The type: a known code narrows, an unknown server code is still a string.
  const known: sdk.ErrorCode = sdk.ERROR_CODE.PAYMENT_NOT_MINED;
  const error = new OrchestrationApiError({ code: "SOMETHING_NEW", statusCode: 418, message: "x" });
  const code: string = error.code;
  assertEquals([known, code], ["PAYMENT_NOT_MINED", "SOMETHING_NEW"]);
});

// The `fetch failed` errors of each runtime, as they reach the SDK (observed on Deno 2.9,
// Node 20's undici and Bun 1.4), and what the SDK's message says about each.
const RUNTIME_FAILURES: readonly [string, unknown, string][] = [
  [
    "Deno, connection refused",
    new TypeError("fetch failed", {
      cause: new Error(
        "error sending request for url (http://127.0.0.1:8788/api/v1/machines): client error (Connect): tcp connect error: Connection refused (os error 111)",
      ),
    }),
    "connection refused: ECONNREFUSED 127.0.0.1:8788",
  ],
  [
    "Node, connection refused",
    new TypeError("fetch failed", {
      cause: Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:8788"), {
        code: "ECONNREFUSED",
      }),
    }),
    "connection refused: ECONNREFUSED 127.0.0.1:8788",
  ],
  [
    "Bun, connection refused",
    Object.assign(new TypeError("Unable to connect. Is the computer able to access the url?"), {
      code: "ConnectionRefused",
    }),
    "connection refused: ECONNREFUSED 127.0.0.1:8788",
  ],
  [
    "Node, DNS failure",
    new TypeError("fetch failed", {
      cause: Object.assign(new Error("getaddrinfo ENOTFOUND nohost.invalid"), {
        code: "ENOTFOUND",
      }),
    }),
    "DNS lookup failed for '127.0.0.1' (127.0.0.1:8788): ENOTFOUND",
  ],
  [
    "Deno, TLS failure",
    new TypeError("fetch failed", {
      cause: new Error(
        "error sending request for url (https://x/): client error (Connect): invalid peer certificate: UnknownIssuer",
      ),
    }),
    "TLS failure with 127.0.0.1:8788: error sending request",
  ],
  [
    "Node, TLS failure",
    new TypeError("fetch failed", {
      cause: Object.assign(new Error("self-signed certificate"), {
        code: "DEPTH_ZERO_SELF_SIGNED_CERT",
      }),
    }),
    "TLS failure with 127.0.0.1:8788: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)",
  ],
  [
    "Node, connection closed",
    new TypeError("fetch failed", {
      cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
    }),
    "connection to 127.0.0.1:8788 closed before a full response: UND_ERR_SOCKET",
  ],
  [
    "anything else",
    new TypeError("fetch failed", { cause: new Error("something odd") }),
    "127.0.0.1:8788: something odd",
  ],
];

for (const [name, cause, expected] of RUNTIME_FAILURES) {
  Deno.test(`OrchestrationNetworkError says what failed: ${name}`, async () => {
    const api = new PeaqosClient({
      orchestrationUrl: "http://127.0.0.1:8788",
      fetch: () => Promise.reject(cause),
    }).orchestration;
    const error = await assertRejects(() => api.listMachines(), OrchestrationNetworkError);
    assertStringIncludes(error.message, "Request failed: GET /api/v1/machines: ");
    assertStringIncludes(error.message, expected);
    assertStrictEquals(error.cause, cause);
  });
}
