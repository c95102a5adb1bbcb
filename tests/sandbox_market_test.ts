/**
 * Sandbox skills and market services, end to end through the SDK over 127.0.0.1: the catalogue
 * fixture, filters, opaque pagination, manifests, skill configs and per-machine availability.
 */
import { assert, assertEquals, assertExists, assertNotEquals } from "@std/assert";
import type { ListSkillsOptions, MarketService, SkillSummary } from "../mod.ts";
import { SERVICES, SKILLS } from "../sandbox/catalogue.ts";
import { ids, market } from "./_market.ts";
import { assertApiError, harness, rawRequest } from "./_sandbox_platform.ts";

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
    { ...ids(m), skillKey: "sim.translation" },
    m.token,
  );
  assertEquals(search.status, "no_match");
  await assertApiError(
    m.api.createMarketOrder({ ...ids(m), serviceId: "svc_sim_translate" }, m.token),
    "EXECUTION_UNSUPPORTED",
    422,
  );
  await m.api.updateSkillConfig("sim.translation", { enabled: true });
  const again = await m.api.searchMarket({ ...ids(m), skillKey: "sim.translation" }, m.token);
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
  assert(SERVICES.length >= 12);
  const runtimes = new Set(SERVICES.map((service) => service.metadata.runtime));
  assertEquals([...runtimes].sort(), ["endpoint", "handoff", "simulated", "unsupported"]);
  const modes = new Set(SERVICES.map((service) => service.pricing.mode));
  assertEquals([...modes].sort(), ["fixed", "provider-defined", "quote-required"]);
  assert(SERVICES.some((service) => service.pricing.amount === "0.00"), "a free service");
  const rails = new Set(SERVICES.map((service) => service.metadata.defaultRail));
  for (
    const rail of ["wallet", "offchain-record", "escrow", "onchain-escrow", "not-required", "x402"]
  ) {
    assert(rails.has(rail), `rail ${rail}`);
  }
  for (const service of SERVICES) {
    const skill = SKILLS.find((candidate) => candidate.key === service.skillKey);
    assertExists(skill, service.id);
    assertEquals(service.providerKey, skill.providerKey);
    for (const operation of service.operations) {
      assert(skill.manifest.operations.some((op) => op.name === operation), operation);
    }
    assertEquals(service.handoff !== null, service.executionMode === "external-handoff");
  }
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
    ["svc_ride_handoff", "svc_charging_handoff", "svc_manual_handoff"],
  );
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
    "metadata",
  ];
  assertEquals(Object.keys(item).sort(), [...keys].sort());
  assertEquals(item.executionMode, "external-handoff");
  assertExists(item.handoff);
  assertEquals(item.pricing.mode, "quote-required");
  assertEquals(item.pricing.amount, null);
  await assertApiError(h.api.getMarketService("svc_nope"), "NOT_FOUND", 404);
  const encoded = await h.api.getMarketService("../skills").catch((err) => err);
  assertNotEquals(encoded?.code, undefined);
  assertEquals(encoded.code, "NOT_FOUND");
});
