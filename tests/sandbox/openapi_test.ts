/**
 * The OpenAPI 3.1 document of the wire (`openapi.json`, `GET /openapi.json`): valid per a
 * maintained validator, up to date with its generator, and complete: every route of the SDK
 * with its credential, every route the sandbox serves, and request schemas that accept what
 * the contract accepts.
 */
import { assert, assertEquals } from "@std/assert";
import { Validator } from "@seriousme/openapi-schema-validator";
import { createSandboxApp, startSandbox } from "../../sandbox/mod.ts";
import { buildOpenApiDocument, fullPath, ROUTES } from "../../sandbox/openapi.ts";
import { openApiText } from "../../scripts/openapi.ts";
import { AGENT_ROUTES } from "../../src/orchestration/agents.ts";
import { EXPERIMENTAL_ROUTES } from "../../src/orchestration/experimental.ts";
import { MACHINE_ROUTES } from "../../src/orchestration/machines.ts";
import { MARKET_ROUTES } from "../../src/orchestration/market.ts";
import { PAIRING_ROUTES } from "../../src/orchestration/pairings.ts";
import { PAYMENT_ROUTES } from "../../src/orchestration/payments.ts";
import { SKILL_ROUTES } from "../../src/orchestration/skills.ts";

type Operation = {
  operationId: string;
  security: Array<Record<string, string[]>>;
  responses: Record<string, unknown>;
  requestBody?: { required: boolean; content: { "application/json": { schema: unknown } } };
};

const document = buildOpenApiDocument();

function operationAt(method: string, path: string): Operation | undefined {
  const key = path.replace(/:([A-Za-z]+)/g, "{$1}");
  return document.paths[key]?.[method.toLowerCase()] as Operation | undefined;
}

Deno.test("buildOpenApiDocument() is a valid OpenAPI 3.1 document per @seriousme/openapi-schema-validator", async () => {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document));
  assertEquals(result.errors, undefined, JSON.stringify(result.errors, null, 2)?.slice(0, 2000));
  assert(result.valid);
  assertEquals(validator.version, "3.1");
  // The validator does check: a parameter in the body (OpenAPI 2's way) is refused.
  const broken = structuredClone(document) as { paths: Record<string, Record<string, Json>> };
  (broken.paths["/api/v1/machines"]!.get!.parameters as Json[])[0]!.in = "body";
  assertEquals((await new Validator().validate(broken)).valid, false);
});

type Json = Record<string, unknown>;

Deno.test("openapi.json at the repository root is what 'deno task openapi' writes now", async () => {
  const committed = await Deno.readTextFile(new URL("../../openapi.json", import.meta.url));
  assert(committed === openApiText(), "openapi.json is stale: run 'deno task openapi'");
});

Deno.test("the sandbox serves the same document at GET /openapi.json", async () => {
  await using sandbox = await startSandbox();
  const response = await fetch(`${sandbox.url}/openapi.json`);
  assertEquals(response.status, 200);
  assertEquals(await response.json(), JSON.parse(openApiText()));
});

// Every route of the SDK, from the route tables `client.orchestration` is built from
// (`"<METHOD> <path> <envelope> [flags]"`), with its flags (`agent`, `noauth`, `root`).
function sdkRoutes(): Array<{ method: string; path: string; spec: string }> {
  const tables = [
    MACHINE_ROUTES,
    PAIRING_ROUTES,
    AGENT_ROUTES,
    SKILL_ROUTES,
    MARKET_ROUTES,
    PAYMENT_ROUTES,
    EXPERIMENTAL_ROUTES,
  ] as readonly Readonly<Record<string, string>>[];
  return tables.flatMap((table) =>
    Object.values(table).map((route) => {
      const [method, path, ...flags] = route.split(" ");
      return { method: method!, path: path!, spec: flags.join(" ") };
    })
  );
}

Deno.test("every route of the SDK is in the document with its credential", () => {
  const routes = sdkRoutes();
  assert(routes.length >= 60, `only ${routes.length} SDK routes found`);
  for (const { method, path, spec } of routes) {
    const operation = operationAt(method, path === "/health" ? path : `/api/v1${path}`);
    assert(operation, `${method} ${path} is missing`);
    const schemes = operation.security.flatMap((requirement) => Object.keys(requirement));
    const label = `${method} ${path}`;
    if (path === "/health") {
      assertEquals(operation.security, [], label);
    } else if (path === "/machine-agents/heartbeat") {
      assert(schemes.includes("agentPairingToken") && schemes.includes("machineAgentBearer"));
    } else if (/\bagent\b/.test(spec)) {
      assert(schemes.includes("agentPairingToken"), label);
      // Only the refund takes the platform key as an alternative (an operator's refund).
      assertEquals(schemes.includes("apiKey"), path.endsWith("/payment/refund"), label);
    } else {
      assertEquals(operation.security, [{ apiKey: [] }], label);
    }
  }
  const schemes = (document.components as {
    securitySchemes: Record<string, { type: string; in?: string; name?: string }>;
  }).securitySchemes;
  assertEquals(
    [schemes.apiKey, schemes.agentPairingToken].map((s) => [s?.type, s?.in, s?.name]),
    [["apiKey", "header", "x-api-key"], ["apiKey", "header", "x-agent-pairing-token"]],
  );
});

Deno.test("ROUTES and the sandbox's routes are the same set", () => {
  const app = createSandboxApp();
  const served = new Set(
    app.routes
      .filter((route) => ["GET", "POST", "PUT", "PATCH", "DELETE"].includes(route.method))
      .filter((route) => route.path.startsWith("/api/v1/") || route.path === "/health")
      .map((route) => `${route.method} ${route.path}`),
  );
  const documented = new Set(ROUTES.map((route) => `${route.method} ${fullPath(route)}`));
  assertEquals([...served].filter((r) => !documented.has(r)), [], "served, not documented");
  assertEquals([...documented].filter((r) => !served.has(r)), [], "documented, not served");
});

Deno.test("request schemas come from the contract: strict bodies, required fields, agent routes", () => {
  const create = operationAt("POST", "/api/v1/market/orders")!;
  const schema = create.requestBody!.content["application/json"].schema as {
    required: string[];
    additionalProperties: boolean;
    properties: Record<string, unknown>;
  };
  assertEquals(schema.required.sort(), ["agentPairingId", "machineId", "serviceId"]);
  assertEquals(schema.additionalProperties, false);
  assert("budget" in schema.properties);
  assertEquals(create.requestBody!.required, true);
  assert("201" in create.responses && "409" in create.responses && "401" in create.responses);
  const execute = operationAt("POST", "/api/v1/market/orders/:orderId/execute")!;
  assertEquals(execute.requestBody!.required, false);
  assert("402" in execute.responses);
  assert("204" in operationAt("DELETE", "/api/v1/machines/:machineId")!.responses);
});
