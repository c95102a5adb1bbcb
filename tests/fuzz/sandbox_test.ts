/**
 * Property tests of the sandbox's input handling: arbitrary JSON (and non-JSON) bodies on every
 * route that takes a body, arbitrary query strings on the list routes, and arbitrary
 * credentials on every auth mode. The sandbox must never answer 5xx; every error is the
 * contract's envelope with a code the SDK knows; a body that is not a JSON object is
 * `400 VALIDATION_ERROR`; a bad credential is the route's own auth error.
 *
 * Bodies are mostly mutations of a valid request (a field deleted, retyped or added at any
 * depth), so validation is exercised past the first check, plus whole arbitrary JSON values,
 * truncated and non-JSON text, and empty bodies.
 *
 * Speed: the cases run in process through `createSandbox().app.fetch` (Hono's own request path,
 * no socket); one property repeats a sample over real HTTP on 127.0.0.1.
 *
 * Knobs: `FUZZ_RUNS`, `FUZZ_SEED` (see `tests/_fuzz.ts`).
 *
 * @module
 */
import fc from "fast-check";
import { assert, assertEquals } from "@std/assert";
import * as errorCodes from "../../src/error_codes.ts";
import { PeaqosClient } from "../../mod.ts";
import type { FetchLike, OrchestrationClient } from "../../mod.ts";
import { createSandbox, startSandbox } from "../../sandbox/mod.ts";
import { signJwt } from "../../sandbox/crypto.ts";
import { pairAgent, pairingProof, verifiedMachine } from "../_sandbox_platform.ts";
import { fuzzParams } from "../_fuzz.ts";

const API_KEY = "sk_fuzz_sandbox_key";
const JWT_SECRET = "fuzz-jwt-secret-for-signed-garbage";
const ORIGIN = "http://127.0.0.1:1";

/** Codes the SDK exports, plus the two transport-level codes the sandbox adds. */
const KNOWN_CODES = new Set<string>([
  ...(Object.values(errorCodes) as unknown[]).filter((v): v is string => typeof v === "string"),
  "PAYLOAD_TOO_LARGE",
]);

type Fixture = {
  readonly fetch: (request: Request) => Promise<Response>;
  readonly close: () => Promise<void>;
  readonly machineId: string;
  readonly pairingId: string;
  readonly token: string;
  readonly orderId: string;
  readonly searchId: string;
  readonly quoteId: string;
  readonly agentToken: string;
  readonly proof: { challengeId: string; signature: string };
  readonly agentAddress: string;
};

/** An in-process sandbox with a verified machine, a paired agent, a search, an order and an enrolled machine agent. */
async function fixture(): Promise<Fixture> {
  const { app, ctx } = createSandbox({ apiKeys: [API_KEY], jwtSecret: JWT_SECRET });
  const fetch = async (request: Request) => await app.fetch(request);
  const sdkFetch: FetchLike = (url, init) => fetch(new Request(url, init));
  const api: OrchestrationClient =
    new PeaqosClient({ orchestrationUrl: ORIGIN, apiKey: API_KEY, fetch: sdkFetch }).orchestration;
  const { machine } = await verifiedMachine(api);
  const { pairing, agent } = await pairAgent(api, machine.id);
  const token = pairing.pairingToken;
  const ids = { machineId: machine.id, agentPairingId: pairing.id };
  const { item: search } = await api.searchMarket({ ...ids, query: "echo" }, token);
  const quote = search.quotes[0];
  const { item: order } = await api.createMarketOrder(
    { ...ids, serviceId: quote?.serviceId ?? "svc_sim_echo" },
    token,
  );
  const { item: enrolled } = await api.enrollMachineAgent(machine.id, {
    allowedProviderKeys: ["ollama"],
  });
  return {
    fetch,
    close: () => ctx.runCloseHooks(),
    machineId: machine.id,
    pairingId: pairing.id,
    token,
    orderId: order.id,
    searchId: search.id,
    quoteId: quote?.id ?? "q_none",
    agentToken: enrolled.provisioningToken,
    proof: await pairingProof(api, machine.id, agent),
    agentAddress: agent.address,
  };
}

type Auth = "platform" | "agent" | "none";
type BodyMode = "required" | "optional" | "ignored";

type Route = {
  readonly method: string;
  readonly path: (f: Fixture) => string;
  readonly auth: Auth;
  readonly body: BodyMode;
  readonly template: (f: Fixture) => Record<string, unknown>;
  /** Part of the wire contract (not experimental): must exist. */
  readonly core: boolean;
};

const ROUTES: readonly Route[] = [
  {
    method: "POST",
    path: () => "/machines",
    auth: "platform",
    body: "required",
    core: true,
    template: () => ({
      displayName: "Rover",
      machineType: "rover",
      capabilities: ["lidar"],
      labels: { site: "a" },
    }),
  },
  {
    method: "PATCH",
    path: (f) => `/machines/${f.machineId}`,
    auth: "platform",
    body: "required",
    core: true,
    template: () => ({ displayName: "Rover 8", labels: { zone: "b" } }),
  },
  {
    method: "POST",
    path: () => "/machine-identity/challenges",
    auth: "platform",
    body: "required",
    core: true,
    template: () => ({ identityRef: "did:peaq:0x52908400098527886E0F7030069857D2E4169EE7" }),
  },
  {
    method: "POST",
    path: (f) => `/machines/${f.machineId}/agent-pairings/challenges`,
    auth: "platform",
    body: "required",
    core: true,
    template: (f) => ({
      agentAddress: f.agentAddress,
      agentProvider: "anthropic",
      agentRole: "buyer",
    }),
  },
  {
    method: "POST",
    path: (f) => `/machines/${f.machineId}/agent-pairings`,
    auth: "platform",
    body: "required",
    core: true,
    template: (f) => ({
      agentAddress: f.agentAddress,
      agentProvider: "anthropic",
      agentRole: "buyer",
      agentProof: f.proof,
      delegationPolicy: {
        dailyLimit: "10.00",
        perTransactionLimit: "1.00",
        currency: "USDT",
        allowedSkillKeys: [],
      },
    }),
  },
  {
    method: "POST",
    path: (f) => `/machines/${f.machineId}/agent-pairings/${f.pairingId}/sessions`,
    auth: "platform",
    body: "required",
    core: true,
    template: (f) => ({ agentProof: f.proof }),
  },
  {
    method: "PATCH",
    path: (f) => `/machines/${f.machineId}/agent-pairings/${f.pairingId}`,
    auth: "platform",
    body: "required",
    core: true,
    template: () => ({ description: "buyer bot", delegationPolicy: { dailyLimit: "5.00" } }),
  },
  {
    method: "POST",
    path: (f) => `/machines/${f.machineId}/agents/enrollment`,
    auth: "platform",
    body: "required",
    core: true,
    template: () => ({ allowedProviderKeys: ["ollama", "vllm"] }),
  },
  {
    method: "POST",
    path: () => "/machine-agents/heartbeat",
    auth: "none",
    body: "required",
    core: true,
    template: (f) => ({
      agentToken: f.agentToken,
      leaseSeconds: 60,
      endpoints: [{ providerKey: "ollama", endpointBaseUrl: "http://127.0.0.1:11434" }],
    }),
  },
  {
    method: "PUT",
    path: (f) => `/machines/${f.machineId}/runtime-endpoints/ollama`,
    auth: "platform",
    body: "required",
    core: true,
    template: () => ({
      endpointBaseUrl: "http://127.0.0.1:11434",
      authType: "bearer",
      authToken: "secret",
      networkScope: "loopback",
    }),
  },
  {
    method: "PATCH",
    path: () => "/skills/sim.inference/config",
    auth: "platform",
    body: "required",
    core: true,
    template: () => ({ enabled: true, config: { temperature: 0.5 } }),
  },
  {
    method: "POST",
    path: () => "/market/search",
    auth: "agent",
    body: "required",
    core: true,
    template: (f) => ({
      machineId: f.machineId,
      agentPairingId: f.pairingId,
      query: "echo",
      maxPrice: "1.00",
    }),
  },
  {
    method: "POST",
    path: () => "/market/orders",
    auth: "agent",
    body: "required",
    core: true,
    template: (f) => ({
      machineId: f.machineId,
      agentPairingId: f.pairingId,
      serviceId: "svc_sim_echo",
      searchId: f.searchId,
      quoteId: f.quoteId,
      input: { text: "hi" },
      budget: { amount: "1.00", currency: "USDT" },
    }),
  },
  {
    method: "POST",
    path: (f) => `/market/orders/${f.orderId}/execute`,
    auth: "agent",
    body: "optional",
    core: true,
    template: () => ({ input: { text: "hello" } }),
  },
  {
    method: "POST",
    path: (f) => `/market/orders/${f.orderId}/confirm`,
    auth: "agent",
    body: "ignored",
    core: true,
    template: () => ({}),
  },
  {
    method: "POST",
    path: (f) => `/market/orders/${f.orderId}/dispute`,
    auth: "agent",
    body: "required",
    core: true,
    template: () => ({ reason: "No delivery", evidence: { note: "x" } }),
  },
  {
    method: "POST",
    path: (f) => `/market/orders/${f.orderId}/payment-intent`,
    auth: "agent",
    body: "optional",
    core: true,
    template: () => ({ rail: "wallet", amount: "0.00", currency: "USDT" }),
  },
  {
    method: "POST",
    path: (f) => `/market/orders/${f.orderId}/payment-proof`,
    auth: "agent",
    body: "required",
    core: true,
    template: () => ({
      transactionHash: `0x${"ab".repeat(32)}`,
      verificationMode: "recorded",
      chain: "peaq",
      amount: "0.00",
    }),
  },
  {
    method: "POST",
    path: (f) => `/market/orders/${f.orderId}/payment/escrow-lock`,
    auth: "agent",
    body: "required",
    core: true,
    template: () => ({
      transactionHash: `0x${"cd".repeat(32)}`,
      chain: "peaq",
      escrowAddress: "0x52908400098527886E0F7030069857D2E4169EE7",
    }),
  },
  {
    method: "POST",
    path: (f) => `/market/orders/${f.orderId}/payment/release`,
    auth: "agent",
    body: "optional",
    core: true,
    template: () => ({ notes: "done" }),
  },
  {
    method: "POST",
    path: (f) => `/market/orders/${f.orderId}/payment/refund`,
    auth: "agent",
    body: "optional",
    core: true,
    template: () => ({ reason: "late" }),
  },
  // Experimental routes: fuzzed the same way; absent ones answer 404, which is still not 5xx.
  {
    method: "POST",
    path: (f) => `/market/orders/${f.orderId}/cancel`,
    auth: "agent",
    body: "optional",
    core: false,
    template: () => ({ reason: "changed my mind" }),
  },
  {
    method: "POST",
    path: () => "/policies",
    auth: "platform",
    body: "required",
    core: false,
    template: () => ({ name: "night", rules: [] }),
  },
  {
    method: "POST",
    path: (f) => `/machines/${f.machineId}/tasks`,
    auth: "platform",
    body: "required",
    core: false,
    template: () => ({ intent: "detect objects" }),
  },
];

// ---- Bodies ----

const jsonValue = fc.jsonValue({ maxDepth: 3 });
const wrongTyped = fc.oneof(
  jsonValue,
  fc.constantFrom(null, [], {}, "", 0, -1, 1e308, true, "0x", " ", "x".repeat(300), [null]),
);

/** Every path (object key or array index chain) in a JSON value. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== "object" || value === null) return [];
  const out: (string | number)[][] = [];
  for (const [key, child] of Object.entries(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    out.push(path, ...paths(child, path));
  }
  return out;
}

const DELETE = Symbol("delete");

function setPath(root: unknown, path: (string | number)[], value: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if (value === DELETE) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else {
    node[last] = value;
  }
  return copy;
}

/** Raw body text for a route: `undefined` sends no body. */
function bodies(template: Record<string, unknown>): fc.Arbitrary<string | undefined> {
  const all = paths(template);
  const mutation = fc.array(
    fc.tuple(fc.nat(), fc.oneof(fc.constant<unknown>(DELETE), wrongTyped)),
    { minLength: 1, maxLength: 3 },
  ).map((edits) => {
    let value: unknown = template;
    for (const [pick, replacement] of edits) {
      const current = paths(value);
      if (current.length === 0) break;
      value = setPath(value, current[pick % current.length]!, replacement);
    }
    return JSON.stringify(value);
  });
  const extraKeys = fc.dictionary(fc.string({ maxLength: 10 }), jsonValue, {
    minKeys: 1,
    maxKeys: 3,
  })
    .map((extra) => JSON.stringify({ ...template, ...extra }));
  return fc.oneof(
    { weight: 8, arbitrary: all.length > 0 ? mutation : fc.constant(JSON.stringify(template)) },
    { weight: 2, arbitrary: extraKeys },
    { weight: 1, arbitrary: fc.constant(JSON.stringify(template)) },
    { weight: 3, arbitrary: jsonValue.map((v) => JSON.stringify(v)) },
    {
      weight: 2,
      arbitrary: fc.nat().map((cut) => {
        const text = JSON.stringify(template);
        return text.slice(0, cut % text.length);
      }),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(undefined, "", " ", "null", "[]", '"x"', "0", "{", "<html>"),
    },
  );
}

/** What the contract says about a body before any route logic: `VALIDATION_ERROR` or unknown. */
function mustBeValidationError(mode: BodyMode, text: string | undefined): boolean {
  if (mode === "ignored") return false;
  const blank = text === undefined || text.trim() === "";
  if (blank) return mode === "required";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return true;
  }
  return typeof value !== "object" || value === null || Array.isArray(value);
}

type Answer = { status: number; code: string | undefined; message: string };

async function send(
  f: Fixture,
  route: Route,
  text: string | undefined,
  headers: Record<string, string>,
  contentType = "application/json",
): Promise<Answer> {
  const init: RequestInit = {
    method: route.method,
    headers: { ...headers, ...(text === undefined ? {} : { "content-type": contentType }) },
    ...(text === undefined ? {} : { body: text }),
  };
  const response = await f.fetch(new Request(`${ORIGIN}/api/v1${route.path(f)}`, init));
  return await readAnswer(response);
}

async function readAnswer(response: Response): Promise<Answer> {
  const raw = await response.text();
  if (response.status < 400) return { status: response.status, code: undefined, message: "" };
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new Error(`error response is not JSON (${response.status}): ${raw.slice(0, 200)}`);
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  assert(typeof error?.code === "string", `not an error envelope: ${raw.slice(0, 200)}`);
  assert(typeof error?.message === "string", `error without message: ${raw.slice(0, 200)}`);
  return { status: response.status, code: error.code, message: error.message };
}

function authHeaders(f: Fixture, auth: Auth): Record<string, string> {
  if (auth === "platform") return { "x-api-key": API_KEY };
  if (auth === "agent") return { "x-agent-pairing-token": f.token };
  return {};
}

function checkAnswer(answer: Answer, route: Route, text: string | undefined): void {
  const where = `${route.method} ${label(route)} body=${JSON.stringify(text)?.slice(0, 300)}`;
  assert(
    answer.status < 500,
    `5xx from ${where}: ${answer.status} ${answer.code} ${answer.message}`,
  );
  if (answer.code !== undefined) {
    assert(KNOWN_CODES.has(answer.code), `unknown error code '${answer.code}' from ${where}`);
  }
  if (mustBeValidationError(route.body, text)) {
    assertEquals(
      { status: answer.status, code: answer.code },
      { status: 400, code: "VALIDATION_ERROR" },
      where,
    );
  }
}

for (const route of ROUTES) {
  const name = `${route.method} ${label(route)}`;
  Deno.test(`sandbox ${name} answers arbitrary bodies with a 4xx envelope, never a 5xx`, async () => {
    const f = await fixture();
    try {
      // The unmodified template must reach the route, so the fuzzing is not all 404s.
      const baseline = await send(
        f,
        route,
        JSON.stringify(route.template(f)),
        authHeaders(f, route.auth),
      );
      if (route.core) {
        assert(
          !(baseline.status === 404 && baseline.message.startsWith("Route not found")),
          `route missing: ${name}`,
        );
      }
      const contentTypes = fc.constantFrom(
        "application/json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "",
      );
      await fc.assert(
        fc.asyncProperty(bodies(route.template(f)), contentTypes, async (text, contentType) => {
          const answer = await send(
            f,
            route,
            text,
            authHeaders(f, route.auth),
            contentType || "application/json",
          );
          checkAnswer(answer, route, text);
        }),
        fuzzParams(route.core ? 300 : 100),
      );
    } finally {
      await f.close();
    }
  });
}

// ---- Query strings on the list routes ----

const LIST_ROUTES: readonly {
  path: (f: Fixture) => string;
  base: (f: Fixture) => Record<string, string>;
}[] = [
  { path: () => "/machines", base: () => ({}) },
  { path: () => "/skills", base: () => ({}) },
  { path: () => "/market/services", base: () => ({}) },
  { path: () => "/market/orders", base: (f) => ({ machineId: f.machineId }) },
  { path: (f) => `/machines/${f.machineId}/agent-pairings`, base: () => ({}) },
  { path: (f) => `/machines/${f.machineId}/agents`, base: () => ({}) },
  { path: (f) => `/machines/${f.machineId}/runtime-endpoints`, base: () => ({}) },
];

const queryValue = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -10, max: 1000 }).map(String),
  fc.constantFrom(
    "",
    "0",
    "501",
    "1.5",
    "-1",
    "NaN",
    "1e3",
    "abc",
    "%",
    "null",
    "[]",
    "platform",
    "native",
  ),
);
const queryName = fc.oneof(
  fc.constantFrom(
    "limit",
    "cursor",
    "machineId",
    "scope",
    "direction",
    "source",
    "serviceType",
    "executionMode",
    "providerKey",
    "status",
  ),
  fc.string({ maxLength: 8 }),
);

Deno.test("sandbox list routes answer arbitrary query strings with 2xx or a 4xx envelope, never a 5xx", async () => {
  const f = await fixture();
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(LIST_ROUTES.length - 1),
        fc.array(fc.tuple(queryName, queryValue), { maxLength: 4 }),
        async (index, pairs) => {
          const route = LIST_ROUTES[index]!;
          const search = new URLSearchParams(route.base(f));
          for (const [name, value] of pairs) search.append(name, value);
          const response = await f.fetch(
            new Request(`${ORIGIN}/api/v1${route.path(f)}?${search}`, {
              headers: { "x-api-key": API_KEY },
            }),
          );
          const answer = await readAnswer(response);
          assert(answer.status < 500, `5xx for ${route.path(f)}?${search}: ${answer.message}`);
          if (answer.code !== undefined) assert(KNOWN_CODES.has(answer.code), answer.code);
        },
      ),
      fuzzParams(500),
    );
  } finally {
    await f.close();
  }
});

// ---- Credentials ----

const b64url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text))).replaceAll("+", "-")
    .replaceAll("/", "_").replaceAll("=", "");

const visible = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 60,
});

/** Token-shaped garbage: random text, three-part strings, JSON parts with any claims. */
const badTokens = (f: Fixture): fc.Arbitrary<string> =>
  fc.oneof(
    visible,
    fc.tuple(visible, visible, visible).map((parts) => parts.join(".")),
    fc.tuple(jsonValue, jsonValue, fc.string({ maxLength: 20 })).map(([h, p, s]) =>
      `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(p))}.${b64url(s)}`
    ),
    // A real token with one character changed.
    fc.tuple(fc.nat(), fc.constantFrom(..."AQgw-_x.")).map(([at, char]) => {
      const i = at % f.token.length;
      const changed = `${f.token.slice(0, i)}${char}${f.token.slice(i + 1)}`;
      return changed === f.token ? `${f.token}x` : changed;
    }),
  );

/** Tokens correctly signed with the sandbox's secret but carrying arbitrary claims. */
const signedGarbage = (f: Fixture) =>
  fc.record({
    pairingId: fc.oneof(fc.constant(f.pairingId), wrongTyped),
    machineId: fc.oneof(fc.constant(f.machineId), wrongTyped),
    sessionId: wrongTyped,
    delegationPolicyHash: wrongTyped,
    exp: fc.oneof(wrongTyped, fc.integer({ min: 0, max: 2 ** 40 })),
  }, { requiredKeys: [] });

const AGENT_CODES = new Set(["AGENT_AUTH_REQUIRED", "AGENT_AUTH_INVALID", "AGENT_AUTH_EXPIRED"]);
const PLATFORM_CODES = new Set(["AUTH_REQUIRED", "AUTH_INVALID"]);

Deno.test("sandbox refuses arbitrary credentials with the route's auth error, never a 5xx", async () => {
  const f = await fixture();
  const authed = ROUTES.filter((r) => r.core && r.auth !== "none");
  const secret = new TextEncoder().encode(JWT_SECRET);
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(authed.length - 1),
        fc.oneof(
          badTokens(f).map((token) => ({ token })),
          signedGarbage(f).map((claims) => ({ claims })),
        ),
        async (index, credential) => {
          const route = authed[index]!;
          const token = "token" in credential
            ? credential.token
            : await signJwt(credential.claims as { exp: number }, secret);
          const headers = route.auth === "platform"
            ? { "x-api-key": token }
            : { "x-agent-pairing-token": token };
          const answer = await send(f, route, JSON.stringify(route.template(f)), headers);
          assert(answer.status < 500, `5xx: ${answer.status} ${answer.message}`);
          assertEquals(answer.status, 401, `${route.method} ${label(route)}: ${answer.code}`);
          assert(
            (route.auth === "platform" ? PLATFORM_CODES : AGENT_CODES).has(answer.code!),
            `unexpected code ${answer.code}`,
          );
        },
      ),
      fuzzParams(600),
    );
  } finally {
    await f.close();
  }
});

function label(route: Route): string {
  return route.path(
    { machineId: ":machineId", pairingId: ":pairingId", orderId: ":orderId" } as Fixture,
  );
}

// ---- A sample over real HTTP ----

Deno.test("sandbox over real HTTP answers arbitrary bodies with a 4xx envelope, never a 5xx", async () => {
  await using sandbox = await startSandbox({ apiKeys: [API_KEY], jwtSecret: JWT_SECRET });
  const sdk = new PeaqosClient({ orchestrationUrl: sandbox.url, apiKey: API_KEY }).orchestration;
  const { machine } = await verifiedMachine(sdk);
  const { pairing, agent } = await pairAgent(sdk, machine.id);
  const f: Fixture = {
    fetch: (request) => {
      const url = new URL(request.url);
      return fetch(new Request(`${sandbox.url}${url.pathname}${url.search}`, request));
    },
    close: () => Promise.resolve(),
    machineId: machine.id,
    pairingId: pairing.id,
    token: pairing.pairingToken,
    orderId: "ord_missing",
    searchId: "srch_missing",
    quoteId: "q_missing",
    agentToken: "at_missing",
    proof: await pairingProof(sdk, machine.id, agent),
    agentAddress: agent.address,
  };
  // Routes that rotate the session or change the policy would invalidate the token mid-run.
  const routes = ROUTES.filter((r) =>
    r.core && !r.path(f).includes("ord_missing") && !r.path(f).includes("/agent-pairings/")
  );
  await fc.assert(
    fc.asyncProperty(
      fc.nat(routes.length - 1).chain((i) =>
        fc.tuple(fc.constant(i), bodies(routes[i]!.template(f)))
      ),
      async ([index, text]) => {
        const route = routes[index]!;
        checkAnswer(await send(f, route, text, authHeaders(f, route.auth)), route, text);
      },
    ),
    fuzzParams(150),
  );
});
