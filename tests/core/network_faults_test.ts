/**
 * Network faults over real sockets on 127.0.0.1: a server that accepts and never answers, one
 * that sends headers and stalls the body, one that drops or resets the connection mid-body,
 * and a port nobody listens on. Each call must reject with `OrchestrationNetworkError` (marked
 * `timedOut` only when the SDK's timeout ended it), retry only where the policy allows, and
 * leave no timer or socket behind: every test runs with Deno's op and resource sanitizers on.
 *
 * @module
 */
import { assert, assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import {
  DEFAULT_MAX_RESPONSE_BYTES,
  OrchestrationApiError,
  OrchestrationNetworkError,
  PeaqosClient,
} from "../../mod.ts";
import type { OrchestrationClient, RetryOptions } from "../../mod.ts";
import { rawResponse, type RawServer, startRawServer } from "../_raw_server.ts";

const SANITIZE = { sanitizeOps: true, sanitizeResources: true } as const;
const TIMEOUT_MS = 150;
const API_KEY = "pk_faults_marker_3c1e";
const TOKEN = "pt_faults_marker_8b2d";

function clientFor(url: string, retry?: RetryOptions): OrchestrationClient {
  return new PeaqosClient({
    orchestrationUrl: url,
    apiKey: API_KEY,
    timeouts: { read: TIMEOUT_MS, write: TIMEOUT_MS },
    ...(retry ? { retry } : {}),
  }).orchestration;
}

async function withServer(
  server: RawServer,
  run: (server: RawServer) => Promise<void>,
): Promise<void> {
  try {
    await run(server);
  } finally {
    await server.close();
  }
}

function assertNoSecrets(error: Error): void {
  const printed = `${error.message}\n${error.stack}\n${JSON.stringify(error)}\n${
    Deno.inspect(error, { depth: 8 })
  }`;
  assert(!printed.includes(API_KEY) && !printed.includes(TOKEN), "a credential was printed");
}

Deno.test({
  name:
    "listMachines() rejects with a timed-out OrchestrationNetworkError when the server never answers",
  ...SANITIZE,
  fn: () =>
    withServer(startRawServer(() => ({ hang: true })), async (server) => {
      const market = clientFor(server.url);
      const started = performance.now();
      const error = await assertRejects(() => market.listMachines(), OrchestrationNetworkError);
      const elapsed = performance.now() - started;
      assertInstanceOf(error, OrchestrationNetworkError);
      assertEquals(error.timedOut, true);
      assert(error.message.includes(`timed out after ${TIMEOUT_MS} ms`), error.message);
      assertEquals(error.request?.method, "GET");
      assertEquals(error.request?.path, "/api/v1/machines");
      // Not a speed check: the timer must not fire early (a clamped or zero timeout would).
      assert(elapsed >= TIMEOUT_MS - 5, `gave up after ${elapsed} ms`);
      assertEquals(server.requests.length, 1);
      assertNoSecrets(error);
    }),
});

Deno.test({
  name: "createMarketOrder() uses the write timeout, and timeoutMs overrides it per call",
  ...SANITIZE,
  fn: () =>
    withServer(startRawServer(() => ({ hang: true })), async (server) => {
      const market = clientFor(server.url);
      const order = { machineId: "m-1", agentPairingId: "p-1", serviceId: "s-1" };
      const first = await assertRejects(
        () => market.createMarketOrder(order, TOKEN),
        OrchestrationNetworkError,
      );
      assert(first.message.includes(`timed out after ${TIMEOUT_MS} ms`), first.message);
      const second = await assertRejects(
        () => market.createMarketOrder(order, TOKEN, { timeoutMs: 60 }),
        OrchestrationNetworkError,
      );
      assert(second.message.includes("timed out after 60 ms"), second.message);
      assertEquals(server.requests.length, 2);
      assertNoSecrets(first);
      assertNoSecrets(second);
    }),
});

Deno.test({
  name: "getMachine() times out when the headers arrive but the body stalls",
  ...SANITIZE,
  fn: () =>
    withServer(
      startRawServer(() => ({
        bytes: rawResponse("HTTP/1.1 200 OK", [
          ["content-type", "application/json"],
          ["content-length", "1000"],
        ], '{"item":{"id":'),
        then: "stall",
      })),
      async (server) => {
        const error = await assertRejects(
          () => clientFor(server.url).getMachine("m-1"),
          OrchestrationNetworkError,
        );
        assertEquals(error.timedOut, true);
      },
    ),
});

Deno.test({
  name: "getMachine() rejects with OrchestrationNetworkError when the connection closes mid-body",
  ...SANITIZE,
  fn: () =>
    withServer(
      startRawServer(() => ({
        bytes: rawResponse("HTTP/1.1 200 OK", [
          ["content-type", "application/json"],
          ["content-length", "5000"],
        ], '{"item":{"id":"m-1","displayName":"Rov'),
      })),
      async (server) => {
        const error = await assertRejects(
          () => clientFor(server.url).getMachine("m-1"),
          OrchestrationNetworkError,
        );
        assertEquals(error.timedOut, false);
        assertNoSecrets(error);
      },
    ),
});

Deno.test({
  name:
    "createMachine() rejects with OrchestrationNetworkError when the server resets the connection",
  ...SANITIZE,
  fn: () =>
    // The server reads only the request head and closes with the body unread: the kernel
    // answers with a TCP reset, mid-way through the client's upload and our partial answer.
    withServer(
      startRawServer(() => ({
        bytes: rawResponse("HTTP/1.1 200 OK", [["content-length", "5000"]], '{"item":'),
      }), { readBody: false }),
      async (server) => {
        const error = await assertRejects(
          () =>
            clientFor(server.url).createMachine({
              displayName: "Rover",
              machineType: "rover",
              labels: { blob: "x".repeat(512 * 1024) },
            }),
          OrchestrationNetworkError,
        );
        assertEquals(error.timedOut, false);
        assertEquals(error.request?.method, "POST");
      },
    ),
});

Deno.test({
  name:
    "getMachine() rejects with OrchestrationNetworkError when the server closes without answering",
  ...SANITIZE,
  fn: () =>
    withServer(startRawServer(() => ({ bytes: new Uint8Array(0) })), async (server) => {
      const error = await assertRejects(
        () => clientFor(server.url).getMachine("m-1"),
        OrchestrationNetworkError,
      );
      assertEquals(error.timedOut, false);
    }),
});

Deno.test({
  name: "listMachines() rejects with OrchestrationNetworkError when nothing listens on the port",
  ...SANITIZE,
  async fn() {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const error = await assertRejects(
      () => clientFor(`http://127.0.0.1:${port}`).listMachines(),
      OrchestrationNetworkError,
    );
    assertEquals(error.timedOut, false);
    assert(error.message.startsWith("Request failed: GET /api/v1/machines"), error.message);
    assertNoSecrets(error);
  },
});

const RETRY: RetryOptions = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };

Deno.test({
  name: "getMachine() retries a hanging server per policy, then rejects with the last timeout",
  ...SANITIZE,
  fn: () =>
    withServer(startRawServer(() => ({ hang: true })), async (server) => {
      const error = await assertRejects(
        () => clientFor(server.url, RETRY).getMachine("m-1"),
        OrchestrationNetworkError,
      );
      assertEquals(error.timedOut, true);
      assertEquals(server.requests.length, 3);
    }),
});

Deno.test({
  name: "createMarketOrder() is not retried after a timeout without an idempotency-key",
  ...SANITIZE,
  fn: () =>
    withServer(startRawServer(() => ({ hang: true })), async (server) => {
      const market = clientFor(server.url, RETRY);
      const order = { machineId: "m-1", agentPairingId: "p-1", serviceId: "s-1" };
      await assertRejects(() => market.createMarketOrder(order, TOKEN), OrchestrationNetworkError);
      assertEquals(server.requests.length, 1, "a POST without idempotency-key was repeated");
      await assertRejects(
        () => market.createMarketOrder(order, TOKEN, { headers: { "idempotency-key": "k-1" } }),
        OrchestrationNetworkError,
      );
      assertEquals(server.requests.length, 4, "a POST with idempotency-key gets every attempt");
    }),
});

Deno.test({
  name: "getMachine() recovers when a reset is followed by an answer on retry",
  ...SANITIZE,
  fn: () =>
    withServer(
      startRawServer((_request, index) =>
        index === 0
          ? { bytes: rawResponse("HTTP/1.1 200 OK", [["content-length", "100"]], "{") }
          : {
            bytes: rawResponse("HTTP/1.1 200 OK", [
              ["content-type", "application/json"],
              ["connection", "close"],
              ["content-length", "22"],
            ], '{"item":{"id":"m-1"}}'.padEnd(22)),
          }
      ),
      async (server) => {
        const { item } = await clientFor(server.url, RETRY).getMachine("m-1");
        assertEquals(item.id, "m-1");
        assertEquals(server.requests.length, 2);
      },
    ),
});

Deno.test({
  name: "getMachine() stops at once when the caller aborts a hanging request, without retrying",
  ...SANITIZE,
  fn: () =>
    withServer(startRawServer(() => ({ hang: true })), async (server) => {
      const controller = new AbortController();
      const pending = clientFor(server.url, RETRY).getMachine("m-1", {
        signal: controller.signal,
        timeoutMs: 10_000,
      });
      // Abort once the request has reached the server, so the abort hits an open socket.
      while (server.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
      controller.abort(new Error("caller gave up"));
      const error = await assertRejects(() => pending, OrchestrationNetworkError);
      assertEquals(error.timedOut, false);
      assert(error.message.startsWith("Request aborted"), error.message);
      assertEquals(server.requests.length, 1);
    }),
});

// ---- Response size cap (maxResponseBytes) ----

const MiB = 1024 * 1024;

function cappedClient(url: string, maxResponseBytes?: number): OrchestrationClient {
  return new PeaqosClient({
    orchestrationUrl: url,
    apiKey: API_KEY,
    timeouts: { read: 5_000 },
    ...(maxResponseBytes === undefined ? {} : { maxResponseBytes }),
  }).orchestration;
}

Deno.test({
  name: "getMachine() refuses a declared 400 MB body at once with BAD_RESPONSE, reading none of it",
  ...SANITIZE,
  fn: () =>
    withServer(
      startRawServer(() => ({
        bytes: rawResponse("HTTP/1.1 200 OK", [
          ["content-type", "application/json"],
          ["content-length", String(400 * MiB)],
        ], '{"item":{"id":"m-1","pad":"'),
        then: "stall",
      })),
      async (server) => {
        const started = performance.now();
        const error = await assertRejects(
          () => cappedClient(server.url).getMachine("m-1"),
          OrchestrationApiError,
        );
        assertEquals([error.code, error.statusCode], ["BAD_RESPONSE", 200]);
        assert(error.message.includes(`maxResponseBytes (${DEFAULT_MAX_RESPONSE_BYTES} bytes)`));
        // Refused on the header, not after a timeout or a download.
        assert(performance.now() - started < 2_000, "the body was waited for");
        assertNoSecrets(error);
      },
    ),
});

Deno.test({
  name: "getMachine() cancels an undeclared (chunked) body as soon as it passes maxResponseBytes",
  ...SANITIZE,
  fn: () => {
    // 3 MiB in 64 KiB chunks, then the server stalls: only a client that stops reading at the
    // cap (1 MiB here) and closes the stream settles before its 5 s timeout.
    const chunk = "x".repeat(64 * 1024);
    const chunked = `${chunk.length.toString(16)}\r\n${chunk}\r\n`.repeat(48);
    return withServer(
      startRawServer(() => ({
        bytes: rawResponse("HTTP/1.1 200 OK", [["transfer-encoding", "chunked"]], chunked),
        then: "stall",
      })),
      async (server) => {
        const error = await assertRejects(
          () => cappedClient(server.url, MiB).getMachine("m-1"),
          OrchestrationApiError,
        );
        assertEquals([error.code, error.statusCode], ["BAD_RESPONSE", 200]);
        assert(error.message.includes(`maxResponseBytes (${MiB} bytes)`), error.message);
      },
    );
  },
});

Deno.test({
  name: "getMachine() counts decompressed bytes: a small gzip bomb is refused",
  ...SANITIZE,
  fn: async () => {
    // 20 MiB of JSON-ish zeros gzip to about 20 KiB, with an honest content-length.
    const plain = new Uint8Array(20 * MiB).fill(0x30);
    const gzipped = new Uint8Array(
      await new Response(
        new Blob([plain]).stream().pipeThrough(new CompressionStream("gzip")),
      ).arrayBuffer(),
    );
    assert(gzipped.length < MiB);
    await withServer(
      startRawServer(() => ({
        bytes: rawResponse("HTTP/1.1 200 OK", [
          ["content-type", "application/json"],
          ["content-encoding", "gzip"],
          ["content-length", String(gzipped.length)],
          ["connection", "close"],
        ], gzipped),
      })),
      async (server) => {
        const error = await assertRejects(
          () => cappedClient(server.url).getMachine("m-1"),
          OrchestrationApiError,
        );
        assertEquals(error.code, "BAD_RESPONSE");
        // Refused for its decoded size, not read whole and then found not to be JSON.
        assert(error.message.includes("maxResponseBytes"), error.message);
      },
    );
  },
});

Deno.test({
  name: "getMachine() reads a body of exactly maxResponseBytes, and an error body is capped too",
  ...SANITIZE,
  fn: () => {
    const body = JSON.stringify({ item: { id: "m-1", pad: "" } });
    const exact = JSON.stringify({ item: { id: "m-1", pad: "p".repeat(1000 - body.length) } });
    let index = 0;
    return withServer(
      startRawServer(() => {
        index++;
        const status = index === 1 ? "HTTP/1.1 200 OK" : "HTTP/1.1 500 Internal Server Error";
        const text = index === 1 ? exact : `{"error":{"code":"X","message":"${"m".repeat(2000)}"}}`;
        return {
          bytes: rawResponse(status, [["content-length", String(text.length)], [
            "connection",
            "close",
          ]], text),
        };
      }),
      async (server) => {
        const api = cappedClient(server.url, 1000);
        assertEquals((await api.getMachine("m-1")).item.id, "m-1");
        const error = await assertRejects(() => api.getMachine("m-1"), OrchestrationApiError);
        assertEquals([error.code, error.statusCode], ["BAD_RESPONSE", 500]);
      },
    );
  },
});
