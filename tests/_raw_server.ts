/**
 * A raw TCP server on 127.0.0.1 (port 0) that answers HTTP requests with exactly the bytes a
 * test chooses: malformed status lines, lying `content-length`, bodies cut mid-way, or nothing
 * at all. `Deno.serve` cannot produce those, and they are what the transport must survive.
 *
 * @module
 */

/** The request as read off the socket: its head (request line and headers) and body. */
export type RawRequest = {
  readonly head: string;
  readonly body: Uint8Array;
  /** The request target, e.g. `/api/v1/machines?limit=5`, exactly as sent. */
  readonly target: string;
};

/**
 * What to do with one connection: send `bytes` then close, `hang` (accept, read the request,
 * never answer until the server closes), or `stall` (send `bytes`, then keep the socket open
 * without finishing).
 */
export type RawAction =
  | { readonly bytes: Uint8Array; readonly then?: "close" | "stall" }
  | { readonly hang: true };

/** A running raw server; `close()` ends every connection and waits for all handlers. */
export type RawServer = {
  readonly port: number;
  readonly url: string;
  /** Every request read so far. */
  readonly requests: RawRequest[];
  /** Connections accepted so far. */
  readonly accepted: () => number;
  close(): Promise<void>;
};

const HEAD_END = new Uint8Array([13, 10, 13, 10]);
const MAX_HEAD = 64 * 1024;

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function readRequest(conn: Deno.Conn, readBody: boolean): Promise<RawRequest | undefined> {
  let data: Uint8Array = new Uint8Array(0);
  const chunk = new Uint8Array(16 * 1024);
  let headEnd = -1;
  while (headEnd < 0) {
    const n = await conn.read(chunk);
    if (n === null) return undefined;
    data = concat(data, chunk.subarray(0, n));
    headEnd = indexOf(data, HEAD_END);
    if (headEnd < 0 && data.length > MAX_HEAD) return undefined;
  }
  const head = new TextDecoder().decode(data.subarray(0, headEnd));
  const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
  let body = data.subarray(headEnd + 4);
  while (readBody && body.length < length) {
    const n = await conn.read(chunk);
    if (n === null) break;
    body = concat(body, chunk.subarray(0, n));
  }
  const target = head.split("\r\n", 1)[0]?.split(" ")[1] ?? "";
  return { head, body, target };
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await conn.write(bytes.subarray(offset));
}

/** Options of {@linkcode startRawServer}. */
export type RawServerOptions = {
  /**
   * Read each request's body before answering (default true). With false, closing the socket
   * while the body is still unread makes the kernel send a TCP reset instead of a clean close.
   */
  readonly readBody?: boolean;
};

/** Starts a raw server; `respond` picks the action for each request. */
export function startRawServer(
  respond: (request: RawRequest, index: number) => RawAction,
  options: RawServerOptions = {},
): RawServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const requests: RawRequest[] = [];
  const open = new Set<Deno.Conn>();
  const handlers = new Set<Promise<void>>();
  let accepted = 0;
  let closed = false;
  // Resolved by close(), so hanging and stalled connections wait on it instead of a timer.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));

  async function handle(conn: Deno.Conn): Promise<void> {
    try {
      const request = await readRequest(conn, options.readBody ?? true);
      if (!request) return;
      const action = respond(request, requests.length);
      requests.push(request);
      if ("hang" in action) {
        await released;
        return;
      }
      await writeAll(conn, action.bytes);
      if (action.then === "stall") await released;
    } catch {
      // The client gave up or reset the connection: exactly what some tests provoke.
    } finally {
      open.delete(conn);
      try {
        conn.close();
      } catch {
        // already closed by close()
      }
    }
  }

  const acceptLoop = (async () => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        return;
      }
      if (closed) {
        conn.close();
        return;
      }
      accepted++;
      open.add(conn);
      const handler = handle(conn);
      handlers.add(handler);
      handler.finally(() => handlers.delete(handler));
    }
  })();

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted: () => accepted,
    async close() {
      if (closed) return;
      closed = true;
      release();
      listener.close();
      await acceptLoop;
      await Promise.all([...handlers]);
    },
  };
}

/** Encodes an HTTP/1.1 response: status line, headers, then body, with nothing added. */
export function rawResponse(
  statusLine: string,
  headers: readonly (readonly [string, string])[],
  body: Uint8Array | string = "",
): Uint8Array {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const head = `${statusLine}\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join("")}\r\n`;
  return concat(new TextEncoder().encode(head), bytes);
}
