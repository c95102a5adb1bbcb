/**
 * A small real HTTP server on 127.0.0.1 (port 0) for the core SDK tests: it records every
 * request (method, path, query, headers, body) and answers with a programmable response.
 *
 * @module
 */
import { PeaqosClient, type PeaqosClientOptions } from "../mod.ts";
import type { OrchestrationClient } from "../src/orchestration.ts";

/** One request as the server saw it. */
export type RecordedRequest = {
  readonly method: string;
  /** Raw path as sent on the wire (still percent-encoded), without the query string. */
  readonly path: string;
  /** The query string as sent, including the leading `?`, or `""`. */
  readonly search: string;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body text (`""` when none). */
  readonly text: string;
  /** The body parsed as JSON, or `undefined` when empty or not JSON. */
  readonly body: unknown;
};

/** What the server answers. `body` is sent as JSON unless `raw` is given. */
export type Reply = {
  readonly status?: number;
  readonly body?: unknown;
  readonly raw?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Never answer (until the client gives up or the server closes). */
  readonly hang?: boolean;
};

/** A reply, or a function computing one from the recorded request. */
export type Responder = Reply | ((request: RecordedRequest) => Reply | Promise<Reply>);

/** The running server; close it with `await server.close()` or `await using`. */
export type RecordingServer = {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Every request received so far, in order. */
  readonly requests: RecordedRequest[];
  /** Answer every later request with `responder` (after any queued replies). */
  respond(responder: Responder): void;
  /** Queue one-shot replies, used in order before the default responder. */
  enqueue(...responders: Responder[]): void;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

/** Starts a recording server; the default reply is `200 { "item": {} }`. */
export function startServer(initial: Responder = { body: { item: {} } }): RecordingServer {
  const requests: RecordedRequest[] = [];
  const queue: Responder[] = [];
  let fallback: Responder = initial;
  const hanging = new Set<() => void>();
  const controller = new AbortController();

  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    signal: controller.signal,
    onListen() {},
  }, async (request) => {
    const url = new URL(request.url);
    const text = await request.text();
    let body: unknown;
    try {
      body = text === "" ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    // The raw request target keeps percent-encoding exactly as the client sent it.
    const recorded: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      search: url.search,
      query: Object.fromEntries(url.searchParams),
      headers,
      text,
      body,
    };
    requests.push(recorded);
    const responder = queue.shift() ?? fallback;
    const reply = typeof responder === "function" ? await responder(recorded) : responder;
    if (reply.hang) {
      await new Promise<void>((resolve) => {
        const release = () => {
          hanging.delete(release);
          resolve();
        };
        // Released when the server closes; the client gives up on its own.
        hanging.add(release);
      });
      return new Response(null, { status: 499 });
    }
    const status = reply.status ?? 200;
    const responseHeaders = new Headers(reply.headers);
    let payload: string | null = null;
    if (reply.raw !== undefined) payload = reply.raw;
    else if (reply.body !== undefined && status !== 204 && status !== 304) {
      payload = JSON.stringify(reply.body);
      if (!responseHeaders.has("content-type")) {
        responseHeaders.set("content-type", "application/json");
      }
    }
    return new Response(status === 204 ? null : payload, { status, headers: responseHeaders });
  });

  const addr = server.addr as Deno.NetAddr;
  const close = async () => {
    for (const release of [...hanging]) release();
    controller.abort();
    await server.finished;
  };
  return {
    url: `http://127.0.0.1:${addr.port}`,
    port: addr.port,
    requests,
    respond(responder) {
      fallback = responder;
    },
    enqueue(...responders) {
      queue.push(...responders);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A port on 127.0.0.1 with nothing listening (bound, then released). */
export function closedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** The API key every test client sends. */
export const API_KEY = "test-api-key-0123456789";
/** The pairing token the agent-auth tests send. */
export const PAIRING_TOKEN = "test-pairing-token-abcdef";

/** `client.orchestration` of a client pointed at `server`, with {@linkcode API_KEY}. */
export function orchestrationFor(
  server: { readonly url: string },
  options: PeaqosClientOptions = {},
): OrchestrationClient {
  return new PeaqosClient({ orchestrationUrl: server.url, apiKey: API_KEY, ...options })
    .orchestration;
}
