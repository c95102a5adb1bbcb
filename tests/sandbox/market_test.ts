/**
 * Sandbox skills and market services, end to end through the SDK over 127.0.0.1: the catalogue
 * fixture, filters, opaque pagination, manifests, skill configs and per-machine availability.
 */
import { assert, assertEquals, assertExists, assertNotEquals } from "@std/assert";
import type { ListSkillsOptions, MarketService, SkillSummary } from "../../mod.ts";
import {
  findService,
  SERVICES,
  serviceSettlement,
  serviceX402,
  SKILLS,
} from "../../sandbox/catalogue.ts";
import { ids, market } from "../_market.ts";
import { assertApiError, harness, rawRequest } from "../_sandbox_platform.ts";

Deno.test("listSkills() serves every catalogue skill as a summary without its manifest", async () => {
  await using h = await harness();
  const { items, nextCursor } = await h.api.listSkills();
  assertEquals(nextCursor, undefined);
  assertEquals(items.map((skill) => skill.key), SKILLS.map((skill) => skill.key));
  for (const skill of items) {
    assertEquals(Object.keys(skill).sort(), [
      "description",
      "direction",
      "executionMode",
      "integrationStatus",
      "key",
      "label",
      "operations",
      "providerKey",
      "scope",
      "serviceTypes",
      "source",
    ]);
  }
});

Deno.test("listSkills() filters by scope, direction and source", async () => {
  await using h = await harness();
  const cases: ListSkillsOptions[] = [
    { scope: "machine" },
    { scope: "platform" },
    { direction: "provide" },
    { source: "custom" },
    { scope: "platform", direction: "consume", source: "builtin" },
  ];
  for (const filter of cases) {
    const { items } = await h.api.listSkills(filter);
    const expected = SKILLS.filter((skill) =>
      Object.entries(filter).every(([name, value]) => skill[name as keyof SkillSummary] === value)
    ).map((skill) => skill.key);
    assert(expected.length > 0, `fixture has skills for ${JSON.stringify(filter)}`);
    assertEquals(items.map((skill) => skill.key), expected);
  }
});

Deno.test("listSkills() pages with opaque cursors and rejects a bad filter", async () => {
  await using h = await harness();
  const first = await h.api.listSkills({ limit: 5 });
  assertEquals(first.items.length, 5);
  assertExists(first.nextCursor);
  assert(!/^\d+$/.test(first.nextCursor), "cursor is opaque");
  const all: string[] = [];
  for await (const skill of h.api.listSkillsAll({ limit: 5 })) all.push(skill.key);
  assertEquals(all, SKILLS.map((skill) => skill.key));
  const bad = await rawRequest(h.sandbox, "/api/v1/skills?scope=galaxy", {
    headers: { "x-api-key": h.sandbox.apiKey },
  });
  assertEquals(bad.status, 400);
  assertEquals((bad.body as { error: { code: string } }).error.code, "VALIDATION_ERROR");
});

Deno.test("getSkill() and getSkillManifest() serve one skill; unknown keys are NOT_FOUND", async () => {
  await using h = await harness();
  const { item } = await h.api.getSkill("sim.inference");
  assertEquals(item.providerKey, "peaq-sim");
  assertEquals(item.operations, ["complete", "embed", "echo"]);
  const { item: manifest } = await h.api.getSkillManifest("sim.inference");
  assertEquals(manifest.skillKey, "sim.inference");
  assertEquals(manifest.executionMode, "native");
  assertEquals(manifest.operations.map((op) => op.name), ["complete", "embed", "echo"]);
  const complete = manifest.operations[0]!;
  assertEquals(complete.inputSchema.required, ["prompt"]);
  assertEquals(complete.outputSchema.type, "object");
  assertEquals((manifest.configSchema.properties as Record<string, unknown>).temperature, {
    type: "number",
    minimum: 0,
    maximum: 2,
  });
  await assertApiError(h.api.getSkill("no.such.skill"), "NOT_FOUND", 404);
  await assertApiError(h.api.getSkillManifest("no.such.skill"), "NOT_FOUND", 404);
});

Deno.test("updateSkillConfig() merges config checked against the manifest's configSchema", async () => {
  await using h = await harness();
  const first = await h.api.updateSkillConfig("sim.inference", { config: { temperature: 0.5 } });
  assertEquals(first.item.enabled, true);
  assertEquals(first.item.config, { temperature: 0.5 });
  const second = await h.api.updateSkillConfig("sim.inference", { config: { model: "sim-large" } });
  assertEquals(second.item.config, { temperature: 0.5, model: "sim-large" });
  assertEquals(second.item.skillKey, "sim.inference");
  assert(!Number.isNaN(Date.parse(second.item.updatedAt)));

  const tooHot = await assertApiError(
    h.api.updateSkillConfig("sim.inference", { config: { temperature: 7 } }),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((tooHot.details as { path: string }[])[0]?.path, "config.temperature");
  const unknown = await assertApiError(
    h.api.updateSkillConfig("sim.inference", { config: { colour: "red" } }),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((unknown.details as { path: string }[])[0]?.path, "config.colour");
  await assertApiError(h.api.updateSkillConfig("nope", { enabled: false }), "NOT_FOUND", 404);
});

Deno.test("updateSkillConfig() disabling a skill hides its services from search and refuses orders", async () => {
  await using m = await market();
  await m.api.updateSkillConfig("sim.translation", { enabled: false });
  const { item: search } = await m.api.searchMarket(
    { ...ids(m), operation: "translate" },
    m.token,
  );
  assertEquals(search.status, "no_match");
  await assertApiError(
    m.api.createMarketOrder({ ...ids(m), serviceId: "svc_sim_translate" }, m.token),
    "EXECUTION_UNSUPPORTED",
    422,
  );
  await m.api.updateSkillConfig("sim.translation", { enabled: true });
  const again = await m.api.searchMarket({ ...ids(m), operation: "translate" }, m.token);
  assertEquals(again.item.status, "matched");
});

Deno.test("skill routes require platform auth", async () => {
  await using h = await harness();
  const missing = await rawRequest(h.sandbox, "/api/v1/skills");
  assertEquals(missing.status, 401);
  assertEquals((missing.body as { error: { code: string } }).error.code, "AUTH_REQUIRED");
  const wrong = await rawRequest(h.sandbox, "/api/v1/market/services", {
    headers: { "x-api-key": "sk_wrong" },
  });
  assertEquals((wrong.body as { error: { code: string } }).error.code, "AUTH_INVALID");
});

Deno.test("the catalogue covers simulated, endpoint and handoff execution, every pricing mode and several rails", () => {
  assert(SERVICES.length >= 20);
  const runtimes = new Set(SERVICES.map((service) => service.metadata.runtime));
  assertEquals([...runtimes].sort(), ["endpoint", "handoff", "simulated", "unsupported"]);
  const modes = new Set(SERVICES.map((service) => service.pricing.mode));
  assertEquals([...modes].sort(), ["fixed", "provider-defined", "quote-required"]);
  assert(SERVICES.some((service) => service.pricing.amount === 0), "a free service");
  const rails = new Set(SERVICES.map((service) => service.payment.defaultRail));
  for (
    const rail of [
      "wallet",
      "offchain-record",
      "escrow",
      "onchain-escrow",
      "not-required",
      "x402",
      "xvv42",
      "mpp",
      "external",
    ] as const
  ) {
    assert(rails.has(rail), `rail ${rail}`);
  }
  for (const service of SERVICES) {
    const skill = SKILLS.find((candidate) => candidate.key === service.skillKey);
    assertExists(skill, service.id);
    assertEquals(service.providerKey, skill.providerKey);
    assert(skill.serviceTypes.includes(service.serviceType), service.id);
    for (const operation of service.operations) {
      assert(skill.manifest.operations.some((op) => op.name === operation), operation);
    }
    assertEquals(service.handoff !== null, service.executionMode === "external-handoff");
  }
});

Deno.test("the catalogue offers each public capability key and its services are orderable from what they describe", () => {
  const types = new Set(SERVICES.map((service) => service.serviceType));
  for (
    const key of [
      "oracle.price-feed",
      "compute.marketplace",
      "storage.object",
      "data.location",
      "identity.proof-of-person",
      "device.control",
      "machine.commerce",
      "network.partner-console",
    ]
  ) {
    assert(types.has(key), key);
  }
  const fieldTypes = new Set(["string", "number", "integer", "boolean", "object", "array"]);
  for (const service of SERVICES) {
    assertEquals(
      service.operationContracts.map((contract) => contract.operation),
      service.operations,
      service.id,
    );
    const skill = SKILLS.find((candidate) => candidate.key === service.skillKey)!;
    for (const contract of service.operationContracts) {
      assert(contract.summary.length > 0 && contract.notes.length > 0, service.id);
      // The contract names the same inputs as the skill's manifest, required alike.
      const schema = skill.manifest.operations.find((op) => op.name === contract.operation)!
        .inputSchema as { properties: Record<string, unknown>; required: string[] };
      assertEquals(
        contract.inputFields.map((field) => field.key).sort(),
        Object.keys(schema.properties).sort(),
        `${service.id}/${contract.operation}`,
      );
      assertEquals(
        contract.inputFields.filter((field) => field.required !== false).map((f) => f.key).sort(),
        [...schema.required].sort(),
        `${service.id}/${contract.operation} required`,
      );
      for (const field of [...contract.inputFields, ...contract.outputFields]) {
        assert(fieldTypes.has(field.type), `${service.id} ${field.key}: ${field.type}`);
      }
      assert(Object.keys(contract.exampleInput).length > 0, `${service.id} example`);
    }
    assertEquals(service.payment.defaultRail === "not-required", !service.payment.required);
    assert(service.payment.supportedRails?.includes(service.payment.defaultRail), service.id);
    assert(service.endpoints.length > 0, service.id);
    for (const endpoint of service.endpoints) {
      assert(Array.isArray(endpoint.protocols) && Array.isArray(endpoint.networks), service.id);
      assert(service.operations.includes(endpoint.operation ?? ""), service.id);
    }
    assert(service.pricing.amount === null || typeof service.pricing.amount === "number");
  }
});

Deno.test("the catalogue's x402 services carry the challenge's parameters", () => {
  const x402 = SERVICES.filter((service) =>
    service.payment.defaultRail === "x402" &&
    serviceX402(service) !== undefined
  );
  assert(x402.length >= 2);
  assert(x402.some((service) => service.executionMode === "native"));
  assert(x402.some((service) => service.pricing.rate === "per_request"));
  for (const service of x402) {
    assertEquals(service.payment, {
      defaultRail: "x402",
      required: true,
      supportedRails: ["x402"],
    });
    assertEquals(service.pricing.currency, "USDC");
    for (const endpoint of service.endpoints) {
      assertEquals([endpoint.protocols, endpoint.networks], [["x402"], ["base"]]);
    }
    const params = serviceX402(service)!;
    assertEquals(params.network, "eip155:8453");
    assertEquals(params.asset, "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913");
    assert(/^0x[0-9a-fA-F]{40}$/.test(params.payTo), params.payTo);
    assertEquals(params.maxTimeoutSeconds, 300);
    assertEquals(params.extra, { name: "USD Coin", version: "2" });
    assertEquals(serviceSettlement(service).payeeAddress, params.payTo);
  }
  assertEquals(serviceX402(findService("svc_sim_complete")!), undefined);
});

Deno.test("listMarketServices() pages through at least 12 services without repeats", async () => {
  await using h = await harness();
  const seen: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await h.api.listMarketServices({ limit: 5, ...(cursor ? { cursor } : {}) });
    assert(page.items.length <= 5);
    seen.push(...page.items.map((service) => service.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  assert(pages >= 3);
  assertEquals(seen, SERVICES.map((service) => service.id));
  assertEquals(new Set(seen).size, seen.length);
});

Deno.test("listMarketServices() filters by serviceType, executionMode and providerKey", async () => {
  await using h = await harness();
  const handoff = await h.api.listMarketServices({ executionMode: "external-handoff" });
  assertEquals(
    handoff.items.map((service) => service.id),
    [
      "svc_ride_handoff",
      "svc_charging_handoff",
      "svc_manual_handoff",
      "svc_identity_personhood",
      "svc_partner_console",
    ],
  );
  const location = await h.api.listMarketServices({ serviceType: "data.location" });
  assertEquals(location.items.map((service) => service.id), ["svc_x402_reverse_geocode"]);
  const mobility = await h.api.listMarketServices({ serviceType: "mobility" });
  assert(mobility.items.length >= 2);
  assert(mobility.items.every((service) => service.serviceType === "mobility"));
  const ollama = await h.api.listMarketServices({ providerKey: "Ollama" });
  assertEquals(ollama.items.map((service) => service.id), ["svc_ollama_chat"]);
  const none = await h.api.listMarketServices({ serviceType: "teleportation" });
  assertEquals(none.items, []);
});

Deno.test("listMarketServices({ machineId }) lists endpoint services once the machine registers an endpoint", async () => {
  await using m = await market();
  const before = await m.api.listMarketServices({ machineId: m.machine.id });
  assert(!before.items.some((service) => service.id === "svc_ollama_chat"));
  assert(before.items.some((service) => service.id === "svc_sim_complete"));
  await assertApiError(
    m.api.getMarketService("svc_ollama_chat", { machineId: m.machine.id }),
    "NOT_FOUND",
    404,
  );
  await m.api.upsertRuntimeEndpoint(m.machine.id, "ollama", {
    endpointBaseUrl: "http://127.0.0.1:11434",
  });
  const after = await m.api.listMarketServices({ machineId: m.machine.id });
  assert(after.items.some((service) => service.id === "svc_ollama_chat"));
  assert(!after.items.some((service) => service.id === "svc_vllm_complete"));
  const { item } = await m.api.getMarketService("svc_ollama_chat", { machineId: m.machine.id });
  assertEquals(item.providerKey, "ollama");
  await assertApiError(
    m.api.listMarketServices({ machineId: "m_missing" }),
    "NOT_FOUND",
    404,
  );
});

Deno.test("getMarketService() serves the exact MarketService shape; unknown ids are NOT_FOUND", async () => {
  await using h = await harness();
  const { item } = await h.api.getMarketService("svc_ride_handoff");
  const keys: (keyof MarketService)[] = [
    "id",
    "skillKey",
    "providerKey",
    "companyName",
    "serviceType",
    "name",
    "description",
    "operations",
    "executionMode",
    "integrationStatus",
    "region",
    "capabilities",
    "handoff",
    "pricing",
    "payment",
    "endpoints",
    "operationContracts",
    "metadata",
    "providerId",
    "providerLabel",
    "authType",
    "accessMode",
    "distribution",
    "maturity",
    "kind",
    "freshnessSeconds",
    "requiresHumanEnablement",
    "referenceUrl",
  ];
  assertEquals(Object.keys(item).sort(), [...keys].sort());
  assertEquals(item, findService("svc_ride_handoff"), "served exactly as catalogued");
  assertEquals(item.executionMode, "external-handoff");
  assertExists(item.handoff);
  assertEquals(item.pricing.mode, "quote-required");
  assertEquals(item.pricing.amount, null);
  await assertApiError(h.api.getMarketService("svc_nope"), "NOT_FOUND", 404);
  const encoded = await h.api.getMarketService("../skills").catch((err) => err);
  assertNotEquals(encoded?.code, undefined);
  assertEquals(encoded.code, "NOT_FOUND");
});
