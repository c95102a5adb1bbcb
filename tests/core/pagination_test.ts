/**
 * Cursor pagination: the `*All` iterators over several pages, early `break`, a manual
 * cursor loop, and the repeated-cursor guard.
 */
import { assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import { OrchestrationApiError } from "../../mod.ts";
import type { OrchestrationClient } from "../../mod.ts";
import {
  orchestrationFor,
  type RecordedRequest,
  type Reply,
  startServer,
} from "../_recording_server.ts";

/** Pages keyed by the cursor that asks for them (`""` for the first page). */
type Pages = Readonly<Record<string, { ids: readonly string[]; next?: string | null }>>;

function pager(pages: Pages): (request: RecordedRequest) => Reply {
  return (request) => {
    const page = pages[request.query.cursor ?? ""];
    if (!page) {
      return { status: 400, body: { error: { code: "VALIDATION_ERROR", message: "bad cursor" } } };
    }
    const body: Record<string, unknown> = { items: page.ids.map((id) => ({ id })) };
    if (page.next !== undefined) body.nextCursor = page.next;
    return { body };
  };
}

// The test server's items are `{ id }` stubs, whatever the method's item type.
function idOf(item: unknown): string {
  return (item as { id: string }).id;
}

const THREE_PAGES: Pages = {
  "": { ids: ["a", "b"], next: "c2" },
  c2: { ids: ["c", "d"], next: "c3" },
  c3: { ids: ["e"] },
};

type IteratorCase = {
  readonly method: string;
  readonly iterate: (api: OrchestrationClient) => AsyncIterable<unknown>;
  readonly path: string;
  /** Filters and limit expected on every page. */
  readonly query: Readonly<Record<string, string>>;
};

const ITERATORS: readonly IteratorCase[] = [
  {
    method: "listMachinesAll",
    iterate: (api) => api.listMachinesAll({ limit: 2 }),
    path: "/api/v1/machines",
    query: { limit: "2" },
  },
  {
    method: "listSkillsAll",
    iterate: (api) =>
      api.listSkillsAll({ scope: "machine", direction: "consume", source: "catalog", limit: 2 }),
    path: "/api/v1/skills",
    query: { scope: "machine", direction: "consume", source: "catalog", limit: "2" },
  },
  {
    method: "listMarketServicesAll",
    iterate: (api) =>
      api.listMarketServicesAll({
        machineId: "m-1",
        serviceType: "inference",
        executionMode: "native",
        providerKey: "ollama",
        limit: 2,
      }),
    path: "/api/v1/market/services",
    query: {
      machineId: "m-1",
      serviceType: "inference",
      executionMode: "native",
      providerKey: "ollama",
      limit: "2",
    },
  },
  {
    method: "listMarketOrdersAll",
    iterate: (api) => api.listMarketOrdersAll({ machineId: "m-1", limit: 2 }),
    path: "/api/v1/market/orders",
    query: { machineId: "m-1", limit: "2" },
  },
  {
    method: "listAgentPairingsAll",
    iterate: (api) => api.listAgentPairingsAll("m-1", { status: "active", limit: 2 }),
    path: "/api/v1/machines/m-1/agent-pairings",
    query: { status: "active", limit: "2" },
  },
  {
    method: "listRuntimeEndpointsAll",
    iterate: (api) => api.listRuntimeEndpointsAll("m-1", { source: "agent", limit: 2 }),
    path: "/api/v1/machines/m-1/runtime-endpoints",
    query: { source: "agent", limit: "2" },
  },
];

for (const c of ITERATORS) {
  Deno.test(`${c.method}() walks every page, passing filters and limit on each`, async () => {
    await using server = startServer(pager(THREE_PAGES));
    const ids: string[] = [];
    for await (const item of c.iterate(orchestrationFor(server))) ids.push(idOf(item));

    assertEquals(ids, ["a", "b", "c", "d", "e"]);
    assertEquals(server.requests.length, 3);
    assertEquals(server.requests.map((r) => r.path), [c.path, c.path, c.path]);
    assertEquals(server.requests.map((r) => r.query), [
      c.query,
      { ...c.query, cursor: "c2" },
      { ...c.query, cursor: "c3" },
    ]);
  });

  Deno.test(`${c.method}() stops fetching on an early break`, async () => {
    await using server = startServer(pager(THREE_PAGES));
    const ids: string[] = [];
    for await (const item of c.iterate(orchestrationFor(server))) {
      ids.push(idOf(item));
      if (idOf(item) === "c") break; // first item of page 2
    }
    assertEquals(ids, ["a", "b", "c"]);
    assertEquals(server.requests.length, 2, "page 3 is never requested");
    assertEquals(server.requests[1]!.query.cursor, "c2");
  });
}

Deno.test("listMachinesAll() makes one request when broken off on the first item", async () => {
  await using server = startServer(pager(THREE_PAGES));
  for await (const _machine of orchestrationFor(server).listMachinesAll()) break;
  assertEquals(server.requests.length, 1);
});

Deno.test("listMachinesAll() makes no request until iterated", async () => {
  await using server = startServer(pager(THREE_PAGES));
  const iterator = orchestrationFor(server).listMachinesAll();
  assertEquals(server.requests.length, 0);
  assertEquals(idOf((await iterator.next()).value), "a");
  assertEquals(server.requests.length, 1);
  await iterator.return();
});

Deno.test("listMarketOrders() supports a manual cursor loop", async () => {
  await using server = startServer(pager(THREE_PAGES));
  const api = orchestrationFor(server);
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    // `cursor` is passed as it is, `undefined` on the first page (exactOptionalPropertyTypes).
    const page = await api.listMarketOrders({ machineId: "m-1", limit: 50, cursor });
    for (const order of page.items) ids.push(order.id);
    cursor = page.nextCursor;
  } while (cursor);
  assertEquals(ids, ["a", "b", "c", "d", "e"]);
  assertEquals(server.requests.map((r) => r.query.cursor), [undefined, "c2", "c3"]);
  assertEquals(server.requests.map((r) => r.query.limit), ["50", "50", "50"]);
});

Deno.test("listMachines() reads a last page's nextCursor: null as absent", async () => {
  await using server = startServer(pager({ "": { ids: ["a"], next: null } }));
  const page = await orchestrationFor(server).listMachines();
  assertEquals(page.items.length, 1);
  assertEquals("nextCursor" in page, false);
});

Deno.test("listMachinesAll() walks through empty pages that still have a next cursor", async () => {
  await using server = startServer(pager({
    "": { ids: [], next: "x" },
    x: { ids: ["only"], next: null },
  }));
  const ids: string[] = [];
  for await (const machine of orchestrationFor(server).listMachinesAll()) ids.push(machine.id);
  assertEquals(ids, ["only"]);
  assertEquals(server.requests.length, 2);
});

Deno.test("listMachinesAll() stops with INVALID_RESPONSE_SHAPE when the server repeats a cursor", async () => {
  await using server = startServer(pager({
    "": { ids: ["a"], next: "same" },
    same: { ids: ["b"], next: "same" },
  }));
  const ids: string[] = [];
  const error = await assertRejects(async () => {
    for await (const machine of orchestrationFor(server).listMachinesAll()) ids.push(machine.id);
  }, OrchestrationApiError);
  assertEquals(error.code, "INVALID_RESPONSE_SHAPE");
  assertEquals(ids, ["a", "b"]);
  assertEquals(server.requests.length, 2);
});

Deno.test("listMachinesAll() stops when the server cycles between cursors", async () => {
  await using server = startServer(pager({
    "": { ids: ["a"], next: "A" },
    A: { ids: ["b"], next: "B" },
    B: { ids: ["c"], next: "A" },
  }));
  const error = await assertRejects(async () => {
    for await (const _machine of orchestrationFor(server).listMachinesAll()) { /* drain */ }
  }, OrchestrationApiError);
  assertEquals(error.code, "INVALID_RESPONSE_SHAPE");
  assertEquals(server.requests.length, 3);
});

Deno.test("listMarketOrdersAll() rejects with the API error of a failing page", async () => {
  await using server = startServer(pager({ "": { ids: ["a"], next: "gone" } }));
  const ids: string[] = [];
  const error = await assertRejects(async () => {
    for await (const order of orchestrationFor(server).listMarketOrdersAll({ machineId: "m-1" })) {
      ids.push(order.id);
    }
  }, OrchestrationApiError);
  assertEquals(error.code, "VALIDATION_ERROR");
  assertEquals(error.statusCode, 400);
  assertEquals(ids, ["a"]);
});

Deno.test("listMachinesAll() stops after 10 empty pages in a row that keep sending fresh cursors", async () => {
  // The attack: a server that never ends a listing, each empty page naming a new next page.
  let served = 0;
  await using server = startServer(() => ({
    body: { items: [], nextCursor: `fresh-${++served}` },
  }));
  const error = await assertRejects(async () => {
    for await (const _machine of orchestrationFor(server).listMachinesAll()) { /* drain */ }
  }, OrchestrationApiError);
  assertEquals(error.code, "INVALID_RESPONSE_SHAPE");
  assertEquals(error.statusCode, 200);
  assertStringIncludes(error.message, "10 empty pages in a row");
  assertEquals(server.requests.length, 10);
});

Deno.test("listMarketOrdersAll() walks through up to 9 empty pages between pages with items", async () => {
  let page = 0;
  await using server = startServer(() => {
    page++;
    // Items on pages 1, 11 and 21; nine empty pages between them; the listing ends on page 21.
    const items = page % 10 === 1 ? [{ id: `o-${page}` }] : [];
    return { body: page === 21 ? { items } : { items, nextCursor: `c${page}` } };
  });
  const ids: string[] = [];
  for await (const order of orchestrationFor(server).listMarketOrdersAll({ machineId: "m-1" })) {
    ids.push(order.id);
  }
  assertEquals(ids, ["o-1", "o-11", "o-21"]);
  assertEquals(server.requests.length, 21);
});
