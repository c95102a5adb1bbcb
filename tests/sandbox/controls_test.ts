/**
 * The sandbox's test controls (`/__sandbox`): reset, redacted state, seed, custom catalogue and
 * fault injection, through the SDK over real HTTP where a client would see them.
 */
import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { OrchestrationApiError, PeaqosClient } from "../../mod.ts";
import {
  createSandboxApp,
  createSandboxControls,
  createWallet,
  SandboxControlsError,
  startSandbox,
} from "../../sandbox/mod.ts";
import catalogue from "../../sandbox/catalogue.json" with { type: "json" };
import { assertApiError, rawRequest } from "../_sandbox_platform.ts";

function client(sandbox: { url: string; apiKey: string }, retry = false): PeaqosClient {
  return new PeaqosClient({
    orchestrationUrl: sandbox.url,
    apiKey: sandbox.apiKey,
    ...(retry && { retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } }),
  });
}

const SEED = {
  machines: [{ ref: "rover", displayName: "Rover 7", machineType: "rover" }],
  pairings: [{ ref: "buyer", machine: "rover", delegationPolicy: { dailySpendLimit: 50 } }],
};

Deno.test("controls.seed() makes a verified machine and a pairing whose token the SDK can use", async () => {
  await using sandbox = await startSandbox({ testControls: true });
  const seeded = await sandbox.controls.seed(SEED);
  const machine = seeded.machines[0]!.machine;
  const pairing = seeded.pairings[0]!.pairing;
  assertEquals(machine.status, "active");
  assertEquals(machine.identityRef, `did:peaq:${seeded.machines[0]!.controllerAddress}`);
  assertEquals(pairing.machineId, machine.id);
  assertEquals(pairing.delegationPolicy.dailySpendLimit, 50);
  // The token works and stays out of JSON.
  assert(!JSON.stringify(seeded).includes(pairing.pairingToken));
  const api = client(sandbox).orchestration;
  const { item: search } = await api.searchMarket({
    machineId: machine.id,
    agentPairingId: pairing.id,
    query: "completion",
  }, pairing.pairingToken);
  assert(search.quotes.length > 0);
  assertEquals((await api.getMachine(machine.id)).item.id, machine.id);
});

Deno.test("controls.seed() uses a given controller key and refers to machines by id", async () => {
  await using sandbox = await startSandbox({ testControls: true });
  const owner = createWallet();
  const agent = createWallet();
  const first = await sandbox.controls.seed({
    machines: [{ displayName: "Arm", machineType: "arm", controllerPrivateKey: owner.privateKey }],
  });
  const machineId = first.machines[0]!.machine.id;
  assertEquals(first.machines[0]!.machine.identityRef, `did:peaq:${owner.address}`);
  const second = await sandbox.controls.seed({
    pairings: [{ machine: machineId, agentPrivateKey: agent.privateKey, agentRole: "operator" }],
  });
  assertEquals(second.pairings[0]!.pairing.agentAddress, agent.address);
  assertEquals(second.pairings[0]!.pairing.agentRole, "operator");
});

Deno.test("controls.seed() names the failing step and field", async () => {
  await using sandbox = await startSandbox({ testControls: true });
  const error = await assertRejects(
    () => sandbox.controls.seed({ machines: [{ displayName: "", machineType: "rover" }] }),
    SandboxControlsError,
  );
  assertEquals(error.code, "VALIDATION_ERROR");
  assertStringIncludes(error.message, "machines[0]");
  const unknown = await assertRejects(
    () => sandbox.controls.seed({ pairings: [{ machine: "m_nope" }] }),
    SandboxControlsError,
  );
  assertEquals([unknown.status, unknown.code], [404, "NOT_FOUND"]);
  assertStringIncludes(unknown.message, "pairings[0]");
});

Deno.test("controls.state() is redacted: no pairing token, token hash, auth token or signature", async () => {
  await using sandbox = await startSandbox({ testControls: true });
  const seeded = await sandbox.controls.seed(SEED);
  const api = client(sandbox).orchestration;
  const machineId = seeded.machines[0]!.machine.id;
  await api.upsertRuntimeEndpoint(machineId, "ollama", {
    endpointBaseUrl: "http://127.0.0.1:9/x",
    authToken: "endpoint-secret-token",
  });
  const snapshot = await sandbox.controls.state();
  assertEquals(snapshot.counts.machines, 1);
  assertEquals(snapshot.counts.pairings, 1);
  const text = JSON.stringify(snapshot);
  assert(!text.includes(seeded.pairings[0]!.pairing.pairingToken), "pairing token");
  assert(!text.includes("endpoint-secret-token"), "runtime endpoint token");
  assert(!text.includes('"signature":"0x'), "a signature");
  const pairing = snapshot.state.pairings![0] as Record<string, unknown>;
  assertEquals(pairing.id, seeded.pairings[0]!.pairing.id);
  assertEquals(pairing.hasAuthToken, true);
  const endpoint = snapshot.state.runtimeEndpoints![0] as Record<string, unknown>;
  assertEquals(endpoint.providerKey, "ollama");
});

Deno.test("controls.reset() empties the state and forgets idempotency keys", async () => {
  await using sandbox = await startSandbox({ testControls: true });
  const api = client(sandbox).orchestration;
  const headers = { "idempotency-key": "k-1" };
  const body = { displayName: "Draft", machineType: "rover" };
  const before = await api.createMachine(body, { headers });
  await sandbox.controls.reset();
  assertEquals((await sandbox.controls.state()).counts.machines, 0);
  await assertApiError(api.getMachine(before.item.id), "NOT_FOUND", 404);
  const after = await api.createMachine(body, { headers });
  assert(after.item.id !== before.item.id, "the key's old answer must not be replayed");
});

Deno.test("controls.fail() forces a status on the next N calls of a route, then lets calls through", async () => {
  await using sandbox = await startSandbox({ testControls: true });
  const api = client(sandbox).orchestration;
  const fault = await sandbox.controls.fail("GET /machines", 503, 2, { retryAfter: 0 });
  assertEquals([fault.status, fault.remaining], [503, 2]);
  const first = await assertApiError(api.listMachines(), "SANDBOX_FAULT", 503);
  assertStringIncludes(first.message, "Injected fault");
  await assertApiError(api.listMachines(), "SANDBOX_FAULT", 503);
  assertEquals((await api.listMachines()).items, []);
  assertEquals(await sandbox.controls.faults(), []);
});

Deno.test("the SDK's opt-in retry recovers from two injected 503s on a keyed POST /market/orders", async () => {
  await using sandbox = await startSandbox({ testControls: true });
  const seeded = await sandbox.controls.seed(SEED);
  const { machine } = seeded.machines[0]!;
  const { pairing } = seeded.pairings[0]!;
  const api = client(sandbox, true).orchestration;
  await sandbox.controls.fail("POST /market/orders", 503, 2);
  const { item: order } = await api.createMarketOrder(
    {
      machineId: machine.id,
      agentPairingId: pairing.id,
      serviceId: "svc_sim_echo",
      operation: "echo",
      input: { message: "hi" },
    },
    pairing.pairingToken,
    { headers: { "idempotency-key": "order-1" } },
  );
  assertEquals(order.serviceId, "svc_sim_echo");
  const [rule] = await sandbox.controls.faults();
  assertEquals(rule, undefined, "both injected failures were used");
  assertEquals((await sandbox.controls.state()).counts.orders, 1);
});

Deno.test("an 'after' fault loses the answer of a keyed POST; the retry replays it: one order", async () => {
  await using sandbox = await startSandbox({ testControls: true });
  const seeded = await sandbox.controls.seed(SEED);
  const { machine } = seeded.machines[0]!;
  const { pairing } = seeded.pairings[0]!;
  await sandbox.controls.fail("POST /market/orders", 502, 1, { after: true });
  const api = client(sandbox, true).orchestration;
  const { item: order } = await api.createMarketOrder(
    {
      machineId: machine.id,
      agentPairingId: pairing.id,
      serviceId: "svc_sim_echo",
      operation: "echo",
      input: {},
    },
    pairing.pairingToken,
    { headers: { "idempotency-key": "order-after" } },
  );
  const state = await sandbox.controls.state();
  assertEquals(state.counts.orders, 1);
  assertEquals((state.state.orders![0] as { id: string }).id, order.id);
});

Deno.test("controls.delay() adds latency that a client timeout sees", async () => {
  await using sandbox = await startSandbox({ testControls: true });
  await sandbox.controls.delay("GET /machines", 300, 1);
  const api = client(sandbox).orchestration;
  const error = await assertRejects(() => api.listMachines({}, { timeoutMs: 50 }));
  assert(!(error instanceof OrchestrationApiError));
  const started = performance.now();
  await api.listMachines();
  assert(performance.now() - started < 250, "the delay applies to one call only");
});

Deno.test("fault routes match :params, '*' methods and '*' alone; the controls are exempt", async () => {
  await using sandbox = await startSandbox({ testControls: true });
  const api = client(sandbox).orchestration;
  await sandbox.controls.fail("* /machines/:machineId", 500, 2, { code: "BOOM" });
  await assertApiError(api.getMachine("m_x"), "BOOM", 500);
  await assertApiError(api.archiveMachine("m_y"), "BOOM", 500);
  await assertApiError(api.getMachine("m_x"), "NOT_FOUND", 404);
  await sandbox.controls.fail("*", 429, 1);
  assertEquals((await sandbox.controls.faults()).length, 1, "controls calls are not faulted");
  await assertApiError(api.listMachines(), "SANDBOX_FAULT", 429);
});

Deno.test("bad fault rules are a VALIDATION_ERROR naming the field", async () => {
  await using sandbox = await startSandbox({ testControls: true });
  for (
    const [rule, path] of [
      [{ route: "POST market/orders", status: 503 }, "route"],
      [{ route: "POST /market/orders", status: 200 }, "status"],
      [{ route: "POST /market/orders" }, "status"],
      [{ route: "GET /machines", delayMs: 600_000 }, "delayMs"],
    ] as const
  ) {
    const error = await assertRejects(
      () => sandbox.controls.addFault(rule as never),
      SandboxControlsError,
    );
    assertEquals(error.code, "VALIDATION_ERROR");
    assertEquals((error.details as Array<{ path: string }>)[0]?.path, path);
  }
});

Deno.test("the controls are off by default: a 404 and a clear client error", async () => {
  await using sandbox = await startSandbox();
  const { status } = await rawRequest(sandbox, "/__sandbox/state");
  assertEquals(status, 404);
  const error = await assertRejects(() => sandbox.controls.reset(), SandboxControlsError);
  assertStringIncludes(error.message, "testControls: true");
  const remote = createSandboxControls(sandbox.url);
  await assertRejects(() => remote.faults(), SandboxControlsError, "Test controls are off");
});

Deno.test("startSandbox({ seed }) seeds before it resolves, without test controls", async () => {
  await using sandbox = await startSandbox({ seed: SEED });
  const seeded = sandbox.seeded!;
  assertEquals(seeded.machines.length, 1);
  const api = client(sandbox).orchestration;
  assertEquals((await api.listMachines()).items.map((m) => m.id), [seeded.machines[0]!.machine.id]);
});

// A one-service catalogue built from a built-in service, renamed.
const echo = catalogue.services.find((service) => service.id === "svc_sim_echo")!;
const CUSTOM = { services: [{ ...echo, id: "svc_custom_echo", name: "My echo" }] };

Deno.test("the catalogue option replaces the services; seed adds services; reset restores", async () => {
  await using sandbox = await startSandbox({ testControls: true, catalogue: CUSTOM });
  const api = client(sandbox).orchestration;
  assertEquals((await api.listMarketServices()).items.map((s) => s.id), ["svc_custom_echo"]);
  await sandbox.controls.seed({ services: [{ ...echo, id: "svc_seeded", name: "Seeded" }] });
  assertEquals(
    (await api.listMarketServices()).items.map((s) => s.id),
    ["svc_custom_echo", "svc_seeded"],
  );
  await sandbox.controls.reset();
  assertEquals((await api.listMarketServices()).items.map((s) => s.id), ["svc_custom_echo"]);
  // Skills stay the built-in ones when the catalogue names none.
  assert((await api.listSkills()).items.length > 0);
});

Deno.test("a bad catalogue fails at startup with the field's path", () => {
  const broken = { services: [{ ...echo, operationContracts: [] }] };
  let message = "";
  try {
    createSandboxApp({ catalogue: broken as never });
  } catch (error) {
    message = (error as Error).message;
  }
  assertStringIncludes(message, "services.0.operationContracts");
  assertStringIncludes(message, "needs a contract for operation 'echo'");
});

Deno.test("seeded services are checked: a bad one is a VALIDATION_ERROR naming it", async () => {
  await using sandbox = await startSandbox({ testControls: true });
  const error = await assertRejects(
    () => sandbox.controls.seed({ services: [{ ...echo, pricing: { mode: "free" } }] }),
    SandboxControlsError,
  );
  assertEquals(error.code, "VALIDATION_ERROR");
  assertStringIncludes(error.message, "services.0.pricing.mode");
});
