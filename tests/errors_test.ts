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
import * as sdk from "../mod.ts";
import {
  OrchestrationApiError,
  OrchestrationConfigError,
  OrchestrationError,
  OrchestrationNetworkError,
  OrchestrationValidationError,
  PeaqosClient,
  PeaqosError,
} from "../mod.ts";
import type { OrchestrationClient } from "../mod.ts";
import {
  API_KEY,
  closedPort,
  orchestrationFor,
  PAIRING_TOKEN,
  type Reply,
  startServer,
} from "./_recording_server.ts";

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

Deno.test("request() resolves 204 No Content to undefined", async () => {
  await using server = startServer({ status: 204 });
  const api = orchestrationFor(server);
  assertStrictEquals(await api.archiveMachine("m-1"), undefined);
  assertStrictEquals(await api.deleteRuntimeEndpoint("m-1", "ollama"), undefined);
  // 204 on a route that usually has a body resolves to undefined too.
  assertStrictEquals(await api.updateMachine("m-1", { displayName: "x" }), undefined);
  assertEquals(server.requests.length, 3);
});

Deno.test("request() rejects with OrchestrationNetworkError and its cause when the connection is refused", async () => {
  const api = new PeaqosClient({
    orchestrationUrl: `http://127.0.0.1:${closedPort()}`,
    apiKey: API_KEY,
  }).orchestration;
  const error = await assertRejects(() => api.listMachines(), OrchestrationNetworkError);
  assert(error.cause !== undefined, "cause holds the transport error");
  assertInstanceOf(error.cause, Error);
  assertEquals(error.timedOut, false);
  assertEquals(error.request?.path, "/api/v1/machines");
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
