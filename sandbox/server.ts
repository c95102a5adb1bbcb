/**
 * Serving a fetch handler on whichever runtime runs the sandbox: `Deno.serve` on Deno,
 * `Bun.serve` on Bun, and `node:http` through `@hono/node-server` on Node (>= 20). Each
 * resolves once listening and closes without leaving a socket or timer open, so a Node script
 * that stops its sandbox exits by itself.
 *
 * @module
 */

/** A listening server. */
export type ServerHandle = {
  /** The address it listens on (an IPv6 address without brackets). */
  readonly hostname: string;
  readonly port: number;
  /** Stops accepting, ends idle keep-alive connections and resolves once closed. */
  close(): Promise<void>;
};

/** Why a server could not listen: `"in-use"` for a taken port, else `"unavailable"`. */
export class ListenError extends Error {
  /** `"in-use"`: the port is taken; `"unavailable"`: the address cannot be used. */
  readonly reason: "in-use" | "unavailable";

  /** A listen failure on `hostname:port`. */
  constructor(reason: "in-use" | "unavailable", message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ListenError";
    this.reason = reason;
  }
}

type FetchHandler = (request: Request) => Response | Promise<Response>;

/** Where to listen. */
export type ListenOptions = { readonly hostname: string; readonly port: number };

/** The runtime running this code. */
export type Runtime = "deno" | "bun" | "node";

/**
 * The runtime running this code: Bun and Deno by their globals, anything else is Node.
 *
 * @example
 * ```ts ignore
 * detectRuntime(); // "deno"
 * ```
 */
export function detectRuntime(): Runtime {
  const global = globalThis as { Bun?: unknown; Deno?: { serve?: unknown } };
  if (global.Bun !== undefined) return "bun";
  if (typeof global.Deno?.serve === "function") return "deno";
  return "node";
}

function listenError(error: unknown, where: string): ListenError {
  const code = (error as { code?: unknown }).code;
  const name = (error as { name?: unknown }).name;
  const text = error instanceof Error ? error.message.split("\n")[0] : String(error);
  if (code === "EADDRINUSE" || name === "AddrInUse") {
    return new ListenError("in-use", `Cannot listen on ${where}: the port is already in use`, {
      cause: error,
    });
  }
  return new ListenError("unavailable", `Cannot listen on ${where}: ${text}`, { cause: error });
}

type DenoServe = (
  options: {
    hostname: string;
    port: number;
    onListen: (addr: { hostname: string; port: number }) => void;
  },
  handler: FetchHandler,
) => { shutdown(): Promise<void> };

async function serveDeno(handler: FetchHandler, options: ListenOptions): Promise<ServerHandle> {
  const serve = (globalThis as unknown as { Deno: { serve: DenoServe } }).Deno.serve;
  let resolve!: (addr: { hostname: string; port: number }) => void;
  const promise = new Promise<{ hostname: string; port: number }>((settle) => (resolve = settle));
  let server: { shutdown(): Promise<void> };
  try {
    server = serve({ ...options, onListen: resolve }, handler);
  } catch (error) {
    throw listenError(error, `${options.hostname}:${options.port}`);
  }
  const addr = await promise;
  return { hostname: addr.hostname, port: addr.port, close: () => server.shutdown() };
}

type BunServer = { hostname: string; port: number; stop(force?: boolean): unknown };
type BunServe = (options: {
  hostname: string;
  port: number;
  fetch: FetchHandler;
}) => BunServer;

function serveBun(handler: FetchHandler, options: ListenOptions): Promise<ServerHandle> {
  const serve = (globalThis as unknown as { Bun: { serve: BunServe } }).Bun.serve;
  let server: BunServer;
  try {
    server = serve({ ...options, fetch: handler });
  } catch (error) {
    return Promise.reject(listenError(error, `${options.hostname}:${options.port}`));
  }
  return Promise.resolve({
    hostname: server.hostname,
    port: server.port,
    // Graceful: in-flight requests finish; idle keep-alive connections are closed.
    close: async () => {
      await server.stop(false);
    },
  });
}

type NodeServer = {
  address(): { address: string; port: number } | string | null;
  close(callback: (error?: Error) => void): void;
  closeIdleConnections?(): void;
  once(event: "listening", listener: () => void): void;
  once(event: "error", listener: (error: Error) => void): void;
  off(event: string, listener: (...args: never[]) => void): void;
};

type NodeServerModule = {
  createAdaptorServer(options: { fetch: FetchHandler; hostname: string }): NodeServer & {
    listen(port: number, hostname: string): void;
  };
};

// A computed specifier: Deno and bundlers leave it alone, Node resolves the package's own
// dependency at run time.
const NODE_SERVER = ["@hono", "node-server"].join("/");

async function serveNode(handler: FetchHandler, options: ListenOptions): Promise<ServerHandle> {
  const { createAdaptorServer } = await import(NODE_SERVER) as NodeServerModule;
  const server = createAdaptorServer({ fetch: handler, hostname: options.hostname });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) =>
      reject(listenError(error, `${options.hostname}:${options.port}`));
    server.once("error", onError);
    server.once("listening", () => {
      server.off("error", onError);
      resolve();
    });
    server.listen(options.port, options.hostname);
  });
  const address = server.address();
  if (address === null || typeof address === "string") {
    throw new ListenError("unavailable", `Cannot listen on ${options.hostname}: no TCP address`);
  }
  return {
    hostname: address.address,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets with no request in flight would hold close() open.
        server.closeIdleConnections?.();
      }),
  };
}

/**
 * Serves `handler` on this runtime. Rejects with a {@linkcode ListenError} when it cannot
 * listen (`reason: "in-use"` for a taken port).
 *
 * @example
 * ```ts ignore
 * const server = await serveFetch(app.fetch, { hostname: "127.0.0.1", port: 0 });
 * console.log(server.port);
 * await server.close();
 * ```
 */
export function serveFetch(handler: FetchHandler, options: ListenOptions): Promise<ServerHandle> {
  switch (detectRuntime()) {
    case "deno":
      return serveDeno(handler, options);
    case "bun":
      return serveBun(handler, options);
    default:
      return serveNode(handler, options);
  }
}
