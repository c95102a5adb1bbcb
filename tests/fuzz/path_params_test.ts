/**
 * Property tests of path parameters: for arbitrary Unicode ids (dots, slashes, `?`, `#`, `%`
 * escapes, backslashes, control characters, lone surrogates, astral characters) in any
 * parameter of any route, the request never leaves its route. Either the id is refused locally
 * with `OrchestrationValidationError` (only empty, `.`, `..` and ill-formed Unicode may be) and
 * nothing is sent, or the URL fetch receives — and the path a real 127.0.0.1 server reads off
 * the socket — has exactly the route's segments, each parameter segment decoding back to the
 * id, with no query or fragment smuggled in.
 *
 * Knobs: `FUZZ_RUNS`, `FUZZ_SEED` (see `tests/_fuzz.ts`).
 *
 * @module
 */
import fc from "fast-check";
import { assert, assertEquals, assertInstanceOf } from "@std/assert";
import { OrchestrationApiError, OrchestrationValidationError, PeaqosClient } from "../../mod.ts";
import type { FetchLike, OrchestrationClient } from "../../mod.ts";
import { fuzzParams } from "../_fuzz.ts";
import { rawResponse, startRawServer } from "../_raw_server.ts";

const TOKEN = "pt_path_fuzz";
type P = Record<string, string>;
// Bodies only need their required fields; their types do not matter to routing.
const body = (value: object) => value as never;

/** Every route with path parameters, and how to call it with a given set of ids. */
const ROUTES: readonly {
  readonly route: string;
  readonly call: (m: OrchestrationClient, p: P) => Promise<unknown>;
}[] = [
  { route: "GET /machines/:machineId", call: (m, p) => m.getMachine(p.machineId!) },
  { route: "PATCH /machines/:machineId", call: (m, p) => m.updateMachine(p.machineId!, {}) },
  { route: "DELETE /machines/:machineId", call: (m, p) => m.archiveMachine(p.machineId!) },
  {
    route: "GET /machines/:machineId/agent-pairings",
    call: (m, p) => m.listAgentPairings(p.machineId!),
  },
  {
    route: "POST /machines/:machineId/agent-pairings/challenges",
    call: (m, p) =>
      m.createAgentPairingChallenge(
        p.machineId!,
        body({ agentAddress: "0x1", agentProvider: "anthropic", agentRole: "buyer" }),
      ),
  },
  {
    route: "POST /machines/:machineId/agent-pairings",
    call: (m, p) =>
      m.createAgentPairing(
        p.machineId!,
        body({
          agentAddress: "0x1",
          agentProvider: "anthropic",
          agentRole: "buyer",
          agentProof: { challengeId: "c", signature: "0x" },
        }),
      ),
  },
  {
    route: "POST /machines/:machineId/agent-pairings/:pairingId/sessions",
    call: (m, p) =>
      m.createAgentPairingSession(
        p.machineId!,
        p.pairingId!,
        body({ agentProof: { challengeId: "c", signature: "0x" } }),
      ),
  },
  {
    route: "PATCH /machines/:machineId/agent-pairings/:pairingId",
    call: (m, p) => m.updateAgentPairing(p.machineId!, p.pairingId!, body({ status: "paused" })),
  },
  {
    route: "DELETE /machines/:machineId/agent-pairings/:pairingId",
    call: (m, p) => m.revokeAgentPairing(p.machineId!, p.pairingId!),
  },
  { route: "GET /machines/:machineId/agents", call: (m, p) => m.listMachineAgents(p.machineId!) },
  {
    route: "POST /machines/:machineId/agents/enrollment",
    call: (m, p) => m.enrollMachineAgent(p.machineId!),
  },
  {
    route: "DELETE /machines/:machineId/agents/:agentId",
    call: (m, p) => m.revokeMachineAgent(p.machineId!, p.agentId!),
  },
  {
    route: "GET /machines/:machineId/runtime-endpoints",
    call: (m, p) => m.listRuntimeEndpoints(p.machineId!),
  },
  {
    route: "GET /machines/:machineId/runtime-endpoints/:providerKey",
    call: (m, p) => m.getRuntimeEndpoint(p.machineId!, p.providerKey!),
  },
  {
    route: "PUT /machines/:machineId/runtime-endpoints/:providerKey",
    call: (m, p) =>
      m.upsertRuntimeEndpoint(
        p.machineId!,
        p.providerKey!,
        body({ endpointBaseUrl: "http://127.0.0.1:11434" }),
      ),
  },
  {
    route: "DELETE /machines/:machineId/runtime-endpoints/:providerKey",
    call: (m, p) => m.deleteRuntimeEndpoint(p.machineId!, p.providerKey!),
  },
  { route: "GET /skills/:skillKey", call: (m, p) => m.getSkill(p.skillKey!) },
  { route: "GET /skills/:skillKey/manifest", call: (m, p) => m.getSkillManifest(p.skillKey!) },
  {
    route: "PATCH /skills/:skillKey/config",
    call: (m, p) => m.updateSkillConfig(p.skillKey!, body({ enabled: true })),
  },
  { route: "GET /market/services/:serviceId", call: (m, p) => m.getMarketService(p.serviceId!) },
  { route: "GET /market/search/:searchId", call: (m, p) => m.getMarketSearch(p.searchId!) },
  { route: "GET /market/orders/:orderId", call: (m, p) => m.getMarketOrder(p.orderId!) },
  {
    route: "POST /market/orders/:orderId/execute",
    call: (m, p) => m.executeMarketOrder(p.orderId!, {}, TOKEN),
  },
  {
    route: "POST /market/orders/:orderId/confirm",
    call: (m, p) => m.confirmMarketOrder(p.orderId!, TOKEN),
  },
  {
    route: "POST /market/orders/:orderId/dispute",
    call: (m, p) => m.disputeMarketOrder(p.orderId!, { reason: "late" }, TOKEN),
  },
  {
    route: "POST /market/orders/:orderId/payment-intent",
    call: (m, p) => m.createPaymentIntent(p.orderId!, body({ rail: "wallet" }), TOKEN),
  },
  {
    route: "GET /market/orders/:orderId/payment",
    call: (m, p) => m.getMarketPayment(p.orderId!),
  },
  {
    route: "POST /market/orders/:orderId/payment-proof",
    call: (m, p) => m.submitPaymentProof(p.orderId!, body({ transactionHash: "0x1" }), TOKEN),
  },
  {
    route: "POST /market/orders/:orderId/payment/escrow-lock",
    call: (m, p) =>
      m.lockEscrowPayment(
        p.orderId!,
        body({ transactionHash: "0x1", chain: "peaq", escrowAddress: "0x2" }),
        TOKEN,
      ),
  },
  {
    route: "POST /market/orders/:orderId/payment/release",
    call: (m, p) => m.releasePayment(p.orderId!, undefined, TOKEN),
  },
  {
    route: "POST /market/orders/:orderId/payment/refund",
    call: (m, p) => m.refundPayment(p.orderId!, undefined, TOKEN),
  },
  // Experimental routes share the same path builder; a few keep it honest there too.
  {
    route: "GET /machines/:machineId/tasks/:taskId",
    call: (m, p) => m.getTask(p.machineId!, p.taskId!),
  },
  {
    route: "DELETE /machines/:machineId/graph/edges/:edgeId",
    call: (m, p) => m.deleteGraphEdge(p.machineId!, p.edgeId!),
  },
  { route: "GET /runs/:runId", call: (m, p) => m.getRun(p.runId!) },
];

function templateOf(route: string): { method: string; segments: string[]; names: string[] } {
  const [method, path] = route.split(" ") as [string, string];
  const segments = path.split("/").slice(1);
  return {
    method,
    segments,
    names: segments.filter((s) => s.startsWith(":")).map((s) => s.slice(1)),
  };
}

const awkward = fc.constantFrom(
  ".",
  "..",
  "...",
  "../x",
  "../../admin",
  "./",
  "/",
  "//",
  "?",
  "#",
  "?limit=1",
  "#frag",
  "%",
  "%2e",
  "%2e%2e",
  "%2E%2E",
  ".%2e",
  "%2f",
  "..%2f",
  "%00",
  "%zz",
  "\\",
  "..\\",
  "..;/",
  "a/../../b",
  " ",
  "\t",
  "\r\n",
  "\u0000",
  "\uFF0E\uFF0E",
  "\u2024\u2024",
  "\uD800",
  "\uDFFF",
  "a\uD83D",
  "\uD83D\uDE00",
  "https://evil.example/",
  "@evil",
  ":machineId",
  "",
);

const SPECIALS = [..."./\\?#%:@&=+;,$!*'()[]{} \t\n~|^`\"<>"];

const ids: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: awkward },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 8 }) },
  {
    weight: 3,
    arbitrary: fc.string({
      unit: fc.oneof(fc.constantFrom(...SPECIALS), fc.constantFrom("a", "Z", "0", "%2e", "%2F")),
      maxLength: 10,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.array(awkward, { minLength: 2, maxLength: 4 }).map((p) => p.join("")),
  },
);

const WELL_FORMED = /^(?:[^\ud800-\udfff]|[\ud800-\udbff][\udc00-\udfff])*$/;

/** Ids the SDK may refuse locally: anything else must be sent, routed correctly. */
function mayBeRefused(id: string): boolean {
  return id === "" || id === "." || id === ".." || !WELL_FORMED.test(id);
}

const cases = fc.record({
  routeIndex: fc.nat(ROUTES.length - 1),
  paramPick: fc.nat(),
  id: ids,
  // Sometimes every parameter of the route gets a fuzzed id at once.
  all: fc.boolean(),
  others: fc.array(ids, { minLength: 3, maxLength: 3 }),
});

type Case = typeof cases extends fc.Arbitrary<infer T> ? T : never;

function paramsFor(c: Case): { params: P; names: string[]; method: string; segments: string[] } {
  const { method, segments, names } = templateOf(ROUTES[c.routeIndex]!.route);
  const params: P = {};
  names.forEach((name, i) => {
    params[name] = c.all ? (i === 0 ? c.id : c.others[i % 3]!) : `${name}-1`;
  });
  if (!c.all) params[names[c.paramPick % names.length]!] = c.id;
  return { params, names, method, segments };
}

/** Checks that `path` (the URL's path, still percent-encoded) is exactly the route. */
function assertOnRoute(path: string, segments: string[], params: P, where: string): void {
  const got = path.split("/").slice(1);
  assertEquals(got.slice(0, 2), ["api", "v1"], `${where}: left /api/v1`);
  assertEquals(got.length - 2, segments.length, `${where}: wrong number of segments in ${path}`);
  segments.forEach((segment, i) => {
    const actual = got[i + 2]!;
    if (segment.startsWith(":")) {
      assertEquals(decodeURIComponent(actual), params[segment.slice(1)], `${where}: ${path}`);
      assert(!actual.includes("/") && !actual.includes("?") && !actual.includes("#"));
    } else {
      assertEquals(actual, segment, `${where}: literal segment changed in ${path}`);
    }
  });
}

// The fake answers 204 to every route; routes that promise a body reject that (contract rev 2)
// after sending the request, which is all these tests look at.
function sentAnyway(error: unknown): boolean {
  return error instanceof OrchestrationApiError && error.code === "INVALID_RESPONSE_SHAPE" &&
    error.statusCode === 204;
}

function anyRefusable(params: P): boolean {
  return Object.values(params).some(mayBeRefused);
}

Deno.test("path parameters never leave their route (URL given to fetch)", async () => {
  // A holder object: TypeScript does not see the assignment made inside fetch.
  const last: { seen?: { url: string; method: string } | undefined } = {};
  const fetch: FetchLike = (url, init) => {
    last.seen = { url, method: init.method ?? "GET" };
    return Promise.resolve(new Response(null, { status: 204 }));
  };
  const market = new PeaqosClient({ orchestrationUrl: "http://127.0.0.1:1", apiKey: "k", fetch })
    .orchestration;
  let sent = 0;
  await fc.assert(
    fc.asyncProperty(cases, async (c) => {
      last.seen = undefined;
      const { params, method, segments } = paramsFor(c);
      try {
        await ROUTES[c.routeIndex]!.call(market, params).catch((error) => {
          if (!sentAnyway(error)) throw error;
        });
      } catch (error) {
        assertInstanceOf(error, OrchestrationValidationError);
        assert(anyRefusable(params), `refused a valid id: ${JSON.stringify(params)}`);
        assertEquals(last.seen, undefined, "a refused call must send nothing");
        return;
      }
      const seen = last.seen as { url: string; method: string } | undefined;
      assert(seen !== undefined, "the call resolved without a request");
      sent++;
      const url = new URL(seen.url);
      assertEquals(seen.method, method);
      assertEquals(url.origin, "http://127.0.0.1:1");
      assertEquals(url.search, "", "a query string was smuggled in");
      assertEquals(url.hash, "", "a fragment was smuggled in");
      assertOnRoute(url.pathname, segments, params, "fetch");
    }),
    fuzzParams(5_000),
  );
  assert(sent > 0);
});

Deno.test("path parameters never leave their route (path a real 127.0.0.1 server reads)", async () => {
  const server = startRawServer(() => ({
    bytes: rawResponse("HTTP/1.1 204 No Content", [["connection", "close"]]),
  }));
  const market = new PeaqosClient({ orchestrationUrl: server.url, apiKey: "k" }).orchestration;
  let sent = 0;
  try {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const before = server.requests.length;
        const { params, method, segments } = paramsFor(c);
        try {
          await ROUTES[c.routeIndex]!.call(market, params).catch((error) => {
            if (!sentAnyway(error)) throw error;
          });
        } catch (error) {
          assertInstanceOf(error, OrchestrationValidationError);
          assert(anyRefusable(params), `refused a valid id: ${JSON.stringify(params)}`);
          assertEquals(server.requests.length, before, "a refused call must send nothing");
          return;
        }
        sent++;
        const request = server.requests[before]!;
        assert(request.head.startsWith(`${method} `), request.head.split("\r\n")[0]);
        assert(!request.target.includes("?") && !request.target.includes("#"), request.target);
        assertOnRoute(request.target, segments, params, "server");
      }),
      fuzzParams(1_000),
    );
  } finally {
    await server.close();
  }
  assert(sent > 0);
});
