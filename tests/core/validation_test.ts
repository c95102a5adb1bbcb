/**
 * Local validation: bad input is a typed error, and no request reaches the server.
 */
import {
  assert,
  assertEquals,
  assertFalse,
  assertInstanceOf,
  assertRejects,
  assertThrows,
} from "@std/assert";
import {
  MAX_LIST_LIMIT,
  OrchestrationApiError,
  OrchestrationClient,
  OrchestrationConfigError,
  OrchestrationError,
  OrchestrationValidationError,
  PeaqosClient,
  validateListQuery,
} from "../../mod.ts";
import { API_KEY, orchestrationFor, PAIRING_TOKEN, startServer } from "../_recording_server.ts";

Deno.test("validateListQuery() accepts limits 1..500 and an absent query", () => {
  assertEquals(MAX_LIST_LIMIT, 500);
  validateListQuery(undefined);
  validateListQuery({});
  validateListQuery({ limit: 1 });
  validateListQuery({ limit: 500, cursor: "c-1" });
  // null is absent, as a server's `nextCursor: null` fed back in would be.
  validateListQuery({ limit: null, cursor: null } as never);
});

for (const limit of [0, 501, 1.5, NaN, -1, Infinity, "5"]) {
  Deno.test(`validateListQuery() rejects limit ${String(limit)}`, () => {
    const error = assertThrows(
      () => validateListQuery({ limit: limit as number }),
      OrchestrationValidationError,
    );
    assertEquals(error.field, "limit");
    assertEquals(error.constraint, "an integer between 1 and 500");
  });
}

Deno.test("validateListQuery() rejects an empty cursor", () => {
  const error = assertThrows(() => validateListQuery({ cursor: "" }), OrchestrationValidationError);
  assertEquals(error.field, "cursor");
});

Deno.test("list methods reject a bad limit before any request", async () => {
  await using server = startServer();
  const api = orchestrationFor(server);
  const calls: (() => Promise<unknown>)[] = [
    () => api.listMachines({ limit: 0 }),
    () => api.listMachines({ limit: 501 }),
    () => api.listSkills({ limit: 1.5 }),
    () => api.listMarketServices({ limit: NaN }),
    () => api.listMarketOrders({ machineId: "m-1", limit: "10" as unknown as number }),
    () => api.listAgentPairings("m-1", { limit: 0 }),
    () => api.listRuntimeEndpoints("m-1", { limit: 1000 }),
    () => api.listMachinesAll({ limit: 0 }).next(),
    () => api.listMarketOrdersAll({ machineId: "m-1", limit: 501 }).next(),
  ];
  for (const call of calls) {
    const error = await assertRejects(call, OrchestrationValidationError);
    assertEquals(error.field, "limit");
  }
  assertEquals(server.requests.length, 0);
});

for (const url of ["not a url", "ftp://files.example/x", "/relative/path", "http//missing-colon"]) {
  Deno.test(`upsertRuntimeEndpoint() rejects endpointBaseUrl '${url}' before any request`, async () => {
    await using server = startServer();
    const error = await assertRejects(
      () =>
        orchestrationFor(server).upsertRuntimeEndpoint("m-1", "ollama", { endpointBaseUrl: url }),
      OrchestrationValidationError,
    );
    assertEquals(error.field, "endpointBaseUrl");
    assertEquals(error.constraint, "valid URL");
    assertEquals(server.requests.length, 0);
  });
}

Deno.test("machineAgentHeartbeat() rejects an invalid endpointBaseUrl of a reported endpoint", async () => {
  await using server = startServer();
  const error = await assertRejects(
    () =>
      orchestrationFor(server).machineAgentHeartbeat({
        agentToken: "agent-token",
        endpoints: [
          { providerKey: "a", endpointBaseUrl: "http://127.0.0.1:1" },
          { providerKey: "b", endpointBaseUrl: "nope" },
        ],
      }),
    OrchestrationValidationError,
  );
  assertEquals(error.field, "endpoints[1].endpointBaseUrl");
  assertEquals(error.constraint, "valid URL");
  assertEquals(server.requests.length, 0);
});

Deno.test("methods reject empty ids before any request", async () => {
  await using server = startServer();
  const api = orchestrationFor(server);
  const cases: [string, () => Promise<unknown>][] = [
    ["machineId", () => api.getMachine("")],
    ["pairingId", () => api.revokeAgentPairing("m-1", "")],
    ["providerKey", () => api.getRuntimeEndpoint("m-1", "")],
    ["skillKey", () => api.getSkill("")],
    ["orderId", () => api.getMarketOrder("")],
    ["orderId", () => api.confirmMarketOrder(undefined as unknown as string, PAIRING_TOKEN)],
    ["searchId", () => api.getMarketSearch(42 as unknown as string)],
  ];
  for (const [field, call] of cases) {
    const error = await assertRejects(call, OrchestrationValidationError);
    assertEquals(error.field, field);
  }
  assertEquals(server.requests.length, 0);
});

Deno.test("methods reject an id with a lone surrogate as a validation error", async () => {
  await using server = startServer();
  const error = await assertRejects(
    () => orchestrationFor(server).getMachine("m-\ud800"),
    OrchestrationValidationError,
  );
  assertEquals(error.field, "machineId");
  assertEquals(server.requests.length, 0);
});

Deno.test("methods reject missing required fields before any request", async () => {
  await using server = startServer();
  const api = orchestrationFor(server);
  const cases: [string, () => Promise<unknown>][] = [
    ["machineType", () => api.createMachine({ displayName: "x" } as never)],
    ["displayName", () => api.createMachine({ displayName: "", machineType: "rover" })],
    ["identityRef", () => api.createMachineIdentityChallenge({} as never)],
    [
      "agentRole",
      () =>
        api.createAgentPairingChallenge("m-1", { agentAddress: "0x", agentProvider: "a" } as never),
    ],
    [
      "agentProof",
      () =>
        api.createAgentPairing("m-1", {
          agentAddress: "0x",
          agentProvider: "a",
          agentRole: "buyer",
        } as never),
    ],
    ["agentProof", () => api.createAgentPairingSession("m-1", "p-1", {} as never)],
    ["agentToken", () => api.machineAgentHeartbeat({} as never)],
    ["endpointBaseUrl", () => api.upsertRuntimeEndpoint("m-1", "ollama", {} as never)],
    ["agentPairingId", () => api.searchMarket({ machineId: "m-1" } as never, PAIRING_TOKEN)],
    ["machineId", () => api.listMarketOrders({} as never)],
    ["machineId", () => api.listMarketOrders(undefined as never)],
    ["machineId", () => api.listMarketOrdersAll({} as never).next()],
    [
      "serviceId",
      () =>
        api.createMarketOrder({ machineId: "m-1", agentPairingId: "p-1" } as never, PAIRING_TOKEN),
    ],
    ["reason", () => api.disputeMarketOrder("o-1", {} as never, PAIRING_TOKEN)],
    [
      "escrowAddress",
      () =>
        api.lockEscrowPayment(
          "o-1",
          { transactionHash: "0x", chain: "peaq" } as never,
          PAIRING_TOKEN,
        ),
    ],
  ];
  for (const [field, call] of cases) {
    const error = await assertRejects(call, OrchestrationValidationError);
    assertEquals(error.field, field);
    assertEquals(error.constraint, "present");
  }
  assertEquals(server.requests.length, 0);
});

Deno.test("methods reject params that are not an object or not JSON-serialisable", async () => {
  await using server = startServer();
  const api = orchestrationFor(server);
  for (const params of [null, "rover", 7, ["a"]]) {
    const error = await assertRejects(
      () => api.createMachine(params as never),
      OrchestrationValidationError,
    );
    assertEquals(error.field, "params");
  }
  const error = await assertRejects(
    () => api.updateMachine("m-1", { displayName: "x", labels: { big: 1n } } as never),
    OrchestrationValidationError,
  );
  assertEquals(error.field, "params");
  assertEquals(error.constraint, "JSON-serialisable");
  assertEquals(server.requests.length, 0);
});

Deno.test("methods reject a query value that is an object", async () => {
  await using server = startServer();
  const error = await assertRejects(
    () => orchestrationFor(server).listMarketServices({ machineId: { id: 1 } as never }),
    OrchestrationValidationError,
  );
  assertEquals(error.field, "machineId");
  assertEquals(server.requests.length, 0);
});

for (const token of ["", "has space", "tök", "line\nbreak", undefined, 42]) {
  Deno.test(`agent methods reject pairing token ${JSON.stringify(token)} without leaking it`, async () => {
    await using server = startServer();
    const api = orchestrationFor(server);
    const error = await assertRejects(
      () => api.confirmMarketOrder("o-1", token as string),
      OrchestrationValidationError,
    );
    assertEquals(error.field, "pairingToken");
    if (typeof token === "string" && token !== "") {
      assertFalse(error.message.includes(token), "the token is not in the message");
    }
    await assertRejects(
      () => api.searchMarket({ machineId: "m", agentPairingId: "p" }, token as string),
      OrchestrationValidationError,
    );
    assertEquals(server.requests.length, 0);
  });
}

Deno.test("methods reject bad per-call headers before any request", async () => {
  await using server = startServer();
  const api = orchestrationFor(server);
  for (const headers of [{ "bad header": "x" }, { "x-trace": "a\nb" }, { "x-é": "v" }]) {
    const error = await assertRejects(
      () => api.listMachines({}, { headers }),
      OrchestrationValidationError,
    );
    assertEquals(error.field, "headers");
  }
  assertEquals(server.requests.length, 0);
});

Deno.test("methods reject a per-call timeoutMs that is not a positive number", async () => {
  await using server = startServer();
  const api = orchestrationFor(server);
  for (const timeoutMs of [0, -5, NaN, Infinity]) {
    const error = await assertRejects(
      () => api.getMachine("m-1", { timeoutMs }),
      OrchestrationValidationError,
    );
    assertEquals(error.field, "timeoutMs");
  }
  assertEquals(server.requests.length, 0);
});

Deno.test("calls without an apiKey are sent without x-api-key; the server's AUTH_REQUIRED answers", async () => {
  await using server = startServer({
    status: 401,
    body: { error: { code: "AUTH_REQUIRED", message: "API key required" } },
  });
  const api = new PeaqosClient({ orchestrationUrl: server.url }).orchestration;
  const error = await assertRejects(() => api.listMachines(), OrchestrationApiError);
  assertEquals([error.code, error.statusCode], ["AUTH_REQUIRED", 401]);
  assertEquals(error.serverMessage, "API key required");
  // A public deployment answers: the same client works without a key.
  server.respond({ body: { items: [] } });
  assertEquals(await api.listMachines(), { items: [] });
  await api.machineAgentHeartbeat({ agentToken: "agent-token" }).catch(() => {});
  await api.createPaymentIntent("o-1", {}, PAIRING_TOKEN).catch(() => {});
  assertEquals(server.requests.length, 4);
  assertEquals(server.requests.map((r) => r.headers["x-api-key"]), [
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
  assertEquals(server.requests[3]!.headers["x-agent-pairing-token"], PAIRING_TOKEN);
});

Deno.test("calls send x-api-key whenever one is configured, agent calls included", async () => {
  await using server = startServer();
  const api = orchestrationFor(server);
  await api.getMachine("m-1");
  await api.createPaymentIntent("o-1", {}, PAIRING_TOKEN).catch(() => {});
  await api.machineAgentHeartbeat({ agentToken: "agent-token" }).catch(() => {});
  assertEquals(server.requests.map((r) => r.headers["x-api-key"]), [API_KEY, API_KEY, undefined]);
});

Deno.test("paymentSignature is checked as base64 of at most 8 KiB before any request", async () => {
  await using server = startServer();
  const api = orchestrationFor(server);
  const secret = "c2VjcmV0LXBheWxvYWQ=";
  for (
    const bad of [
      "",
      "not base64!",
      "abcde",
      "ab=c",
      "abc=d",
      "abcdef=",
      "a".repeat(8 * 1024 + 4),
      42,
      null,
    ]
  ) {
    const error = await assertRejects(
      () =>
        api.executeMarketOrder("o-1", {}, PAIRING_TOKEN, {
          paymentSignature: bad as string,
        }),
      OrchestrationValidationError,
    );
    assertEquals(error.field, "paymentSignature");
    if (typeof bad === "string" && bad.length > 3) assertFalse(error.message.includes(bad));
  }
  assertEquals(server.requests.length, 0);
  await api.executeMarketOrder("o-1", {}, PAIRING_TOKEN, { paymentSignature: secret })
    .catch(() => {});
  assertEquals(server.requests[0]!.headers["payment-signature"], secret);
});

Deno.test("client options that are invalid are an OrchestrationConfigError on first use", () => {
  const url = "http://127.0.0.1:1";
  const bad = [
    { orchestrationUrl: url, apiKey: "key with space" },
    { orchestrationUrl: url, apiKey: "" },
    { orchestrationUrl: url, retry: { maxAttempts: 0 } },
    { orchestrationUrl: url, retry: { maxAttempts: 2.5 } },
    { orchestrationUrl: url, retry: { maxAttempts: 3, maxDelayMs: -1 } },
    { orchestrationUrl: url, timeouts: { read: 0 } },
    { orchestrationUrl: url, timeouts: { write: NaN } },
    { orchestrationUrl: url, maxResponseBytes: 0 },
    { orchestrationUrl: url, maxResponseBytes: 1.5 },
    { orchestrationUrl: url, logLevel: "loud" as "info" },
  ];
  for (const options of bad) {
    const client = new PeaqosClient(options);
    const error = assertThrows(() => client.orchestration, OrchestrationConfigError);
    assertFalse(error.message.includes("key with space"), "the apiKey is not echoed");
  }
});

type AnyMethod = (...args: unknown[]) => unknown;

Deno.test("every method rejects bad input instead of throwing synchronously", async () => {
  await using server = startServer();
  const api = orchestrationFor(server) as unknown as Record<string, AnyMethod>;
  const names = Object.getOwnPropertyNames(OrchestrationClient.prototype)
    .filter((name) => name !== "constructor");
  assert(names.length >= 46, `found ${names.length} methods`);
  const badArgs = [
    [],
    ["", "", "", ""],
    [".", { limit: 0 }, "", { timeoutMs: -1 }],
    [null, null, null, null],
  ];
  for (const name of names) {
    for (const args of badArgs) {
      let result: unknown;
      try {
        result = api[name]!(...args);
      } catch (error) {
        throw new Error(`${name}() threw synchronously: ${String(error)}`);
      }
      const pending = typeof (result as AsyncIterator<unknown>)?.next === "function"
        ? (result as AsyncIterator<unknown>).next()
        : result;
      assert(
        typeof (pending as Promise<unknown>)?.then === "function",
        `${name}() returns a promise or an async iterator`,
      );
      try {
        await pending;
      } catch (error) {
        assertInstanceOf(error, OrchestrationError, `${name}() rejects with an SDK error`);
      }
    }
  }
});

Deno.test("every documented method makes no request for an empty first argument", async () => {
  await using server = startServer();
  const api = orchestrationFor(server) as unknown as Record<string, AnyMethod>;
  // Each method's first argument is an id, a required body, or options with a bad limit.
  const documented: [string, unknown[]][] = [
    ["listMachines", [{ limit: 0 }]],
    ["createMachine", [{}]],
    ["getMachine", [""]],
    ["updateMachine", ["", {}]],
    ["archiveMachine", [""]],
    ["createMachineIdentityChallenge", [{}]],
    ["listAgentPairings", [""]],
    ["createAgentPairingChallenge", ["", {}]],
    ["createAgentPairing", ["", {}]],
    ["createAgentPairingSession", ["", "", {}]],
    ["updateAgentPairing", ["", "", {}]],
    ["revokeAgentPairing", ["", ""]],
    ["listMachineAgents", [""]],
    ["enrollMachineAgent", [""]],
    ["revokeMachineAgent", ["", ""]],
    ["machineAgentHeartbeat", [{}]],
    ["listRuntimeEndpoints", [""]],
    ["getRuntimeEndpoint", ["", ""]],
    ["upsertRuntimeEndpoint", ["", "", {}]],
    ["deleteRuntimeEndpoint", ["", ""]],
    ["listSkills", [{ limit: 0 }]],
    ["getSkill", [""]],
    ["getSkillManifest", [""]],
    ["updateSkillConfig", ["", {}]],
    ["listMarketServices", [{ limit: 0 }]],
    ["getMarketService", [""]],
    ["searchMarket", [{}, PAIRING_TOKEN]],
    ["getMarketSearch", [""]],
    ["listMarketOrders", [{}]],
    ["createMarketOrder", [{}, PAIRING_TOKEN]],
    ["getMarketOrder", [""]],
    ["executeMarketOrder", ["", {}, PAIRING_TOKEN]],
    ["confirmMarketOrder", ["", PAIRING_TOKEN]],
    ["disputeMarketOrder", ["", { reason: "x" }, PAIRING_TOKEN]],
    ["createPaymentIntent", ["", {}, PAIRING_TOKEN]],
    ["getMarketPayment", [""]],
    ["submitPaymentProof", ["", {}, PAIRING_TOKEN]],
    ["lockEscrowPayment", ["", {}, PAIRING_TOKEN]],
    ["releasePayment", ["", undefined, PAIRING_TOKEN]],
    ["refundPayment", ["", undefined, PAIRING_TOKEN]],
  ];
  for (const [name, args] of documented) {
    await assertRejects(
      () => api[name]!(...args) as Promise<unknown>,
      OrchestrationValidationError,
      undefined,
    );
  }
  assertEquals(server.requests.length, 0);
});
