/**
 * `PeaqosClient`, the SDK's entry point.
 *
 * @module
 */
import type { EnvSource, EnvVarName } from "./env.ts";
import { readRuntimeEnv } from "./env.ts";
import { OrchestrationConfigError } from "./errors.ts";
import { createLog, isLogLevel, type Logger, type LogLevel } from "./logging.ts";
import { OrchestrationClient } from "./orchestration.ts";
import { REDACTED } from "./redact.ts";
import type { Signer } from "./signer.ts";
import type { RequestPathOptions } from "./transport.ts";
import { Transport } from "./transport.ts";

/**
 * Options of `new PeaqosClient(...)`.
 *
 * @example Usage
 * ```ts
 * import type { PeaqosClientOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: PeaqosClientOptions = {
 *   orchestrationUrl: "https://orchestration.peaq.xyz",
 *   apiKey: "pk_live_…",
 *   retry: { maxAttempts: 3 },
 * };
 * ```
 */
export type PeaqosClientOptions = RequestPathOptions & {
  /** Origin of the Machine Markets API, e.g. `https://orchestration.peaq.xyz`. Required for `client.orchestration`. */
  readonly orchestrationUrl?: string | undefined;
  /**
   * Platform API key, sent as `x-api-key` on every call but the heartbeat when set. Optional:
   * the API is public unless the deployment turns API-key auth on, and then a call without a
   * key is answered `AUTH_REQUIRED`.
   */
  readonly apiKey?: string | undefined;
  /** EVM JSON-RPC URL for the on-chain side of the SDK; not used by `client.orchestration`. */
  readonly rpcUrl?: string | undefined;
  /** Private key for the on-chain side of the SDK; not used by `client.orchestration`, never printed. */
  readonly privateKey?: string | undefined;
  /**
   * Signs challenges in the one-call flows (`registerMachine`, `pairAgent`, `rotateAgentSession`):
   * a viem local account, an ethers `Wallet`, or `privateKeySigner(privateKey)` from
   * `@peaqos/peaq-os-sdk/signer` (whose `createClient` sets it from `privateKey`).
   */
  readonly signer?: Signer | undefined;
  /** Contract addresses for the on-chain side of the SDK; not used by `client.orchestration`. */
  readonly contracts?: Readonly<Record<string, string>> | undefined;
  /**
   * Logs requests and responses (`debug`), retries (`info`) and failed calls (`warn`) to
   * `logger`. Default `"off"`, or `"info"` when a `logger` is given; `fromEnv` reads
   * `PEAQOS_LOG`. Lines never contain headers or bodies.
   */
  readonly logLevel?: LogLevel | undefined;
  /** Where log lines go; default `console`. */
  readonly logger?: Logger | undefined;
};

const configError = (name: string, must: string, received?: unknown) =>
  new OrchestrationConfigError(
    `Invalid '${name}': must be ${must}${received === undefined ? "" : `: received '${received}'`}`,
  );

// `localhost:8788` parses as a URL with the scheme "localhost:"; say what is missing. The value
// is echoed only when it cannot hold credentials (no "@").
function parseOrchestrationUrl(value: string): URL {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value);
  const secret = value.includes("@");
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    // reported below
  }
  if (!/^https?:$/.test(url?.protocol ?? "")) {
    const received = hasScheme && url ? url.protocol : secret ? "" : value;
    throw new OrchestrationConfigError(
      `Invalid 'orchestrationUrl': must be an http: or https: URL${
        received && `: received '${received}'`
      }${
        hasScheme || secret ? "" : `; add 'http://' or 'https://' in front, e.g. 'http://${value}'`
      }`,
    );
  }
  if (url!.username || url!.password) throw configError("orchestrationUrl", "free of credentials");
  return url!;
}

// localhost, *.localhost, 127.0.0.0/8 and ::1 never leave the machine.
const isLoopback = (hostname: string): boolean =>
  /^(?:localhost|.*\.localhost|\[::1\]|127(?:\.\d{1,3}){3})$/.test(hostname);
const warnedOrigins = new Set<string>();

/**
 * The peaq OS client. `client.orchestration` exposes the Machine Markets API; it is created on
 * first use and cached. The client never prints its `apiKey` or `privateKey`: not through
 * `console.log`, inspect, or `JSON.stringify`.
 *
 * @example From the environment
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = PeaqosClient.fromEnv(); // PEAQOS_ORCHESTRATION_URL, optional PEAQOS_API_KEY
 * const { items } = await client.orchestration.listMachines({ limit: 20 });
 * ```
 *
 * @example With explicit options
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz", apiKey: "pk_live_…" });
 * console.assert(client.orchestration === client.orchestration);
 * ```
 */
export class PeaqosClient {
  readonly #options: PeaqosClientOptions;
  #orchestration: OrchestrationClient | undefined;

  /** Creates a client; nothing is checked or sent until a namespace is used. */
  constructor(options: PeaqosClientOptions = {}) {
    this.#options = { ...options };
  }

  /**
   * Creates a client from `PEAQOS_ORCHESTRATION_URL`, `PEAQOS_API_KEY` (optional) and
   * `PEAQOS_LOG` (`debug`, `info`, `warn` or `off`), read from `env` when given (Workers pass
   * their `env` binding) or else from the runtime's environment (Deno, Node, Bun).
   * `overrides` win over the environment.
   *
   * @example In a Cloudflare Worker
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * export default {
   *   async fetch(_request: Request, env: Record<string, string>): Promise<Response> {
   *     const client = PeaqosClient.fromEnv(env);
   *     return Response.json(await client.orchestration.listMachines());
   *   },
   * };
   * ```
   */
  static fromEnv(env?: EnvSource, overrides: PeaqosClientOptions = {}): PeaqosClient {
    const read = (name: EnvVarName) => (env ? env[name] : readRuntimeEnv(name)) || undefined;
    const logLevel = read("PEAQOS_LOG")?.trim().toLowerCase();
    if (logLevel !== undefined && !isLogLevel(logLevel)) {
      throw configError("PEAQOS_LOG", "'debug', 'info', 'warn' or 'off'", logLevel);
    }
    return new PeaqosClient({
      orchestrationUrl: read("PEAQOS_ORCHESTRATION_URL"),
      apiKey: read("PEAQOS_API_KEY"),
      rpcUrl: read("PEAQOS_RPC_URL"),
      logLevel,
      ...overrides,
    });
  }

  /**
   * The Machine Markets API. Throws {@linkcode OrchestrationConfigError} when
   * `orchestrationUrl` is missing or is not an `http:`/`https:` URL; warns once per origin
   * when it is plain `http://` to a non-loopback host.
   */
  get orchestration(): OrchestrationClient {
    this.#orchestration ??= this.#createOrchestration();
    return this.#orchestration;
  }

  /** The signer the flows use when none is passed to them, if configured. */
  get signer(): Signer | undefined {
    return this.#options.signer;
  }

  /** The configured orchestration URL (not secret), if any. */
  get orchestrationUrl(): string | undefined {
    return this.#options.orchestrationUrl;
  }

  #createOrchestration(): OrchestrationClient {
    const options = this.#options;
    const { orchestrationUrl, apiKey, timeouts, retry, maxResponseBytes, logger } = options;
    if (!orchestrationUrl) {
      throw new OrchestrationConfigError(
        "Missing 'orchestrationUrl': set it in the client options or PEAQOS_ORCHESTRATION_URL",
      );
    }
    const url = parseOrchestrationUrl(orchestrationUrl);
    if (url.protocol === "http:" && !isLoopback(url.hostname) && !warnedOrigins.has(url.origin)) {
      warnedOrigins.add(url.origin);
      console.warn(
        `peaq-os-sdk: 'orchestrationUrl' uses plain http:// to a non-loopback host (${url.origin}); API keys and pairing tokens travel unencrypted`,
      );
    }
    if (apiKey !== undefined && !/^[\x21-\x7e]+$/.test(apiKey)) {
      throw configError("apiKey", "a non-empty string of visible ASCII characters");
    }
    const attempts = retry?.maxAttempts as number;
    if (retry && !(Number.isInteger(attempts) && attempts > 0 && attempts <= 10)) {
      throw configError("retry.maxAttempts", "an integer between 1 and 10", attempts);
    }
    // Durations are checked when the namespace is created, so a bad option fails as configuration.
    for (
      const [name, value, min] of [
        ["timeouts.read", timeouts?.read, 1],
        ["timeouts.write", timeouts?.write, 1],
        ["retry.baseDelayMs", retry?.baseDelayMs, 0],
        ["retry.maxDelayMs", retry?.maxDelayMs, 0],
      ] as const
    ) {
      if (value !== undefined && !(Number.isFinite(value) && value >= min)) {
        throw configError(name, `a finite number of milliseconds >= ${min}`, value);
      }
    }
    if (
      maxResponseBytes !== undefined &&
      !(Number.isSafeInteger(maxResponseBytes) && maxResponseBytes > 0)
    ) {
      throw configError("maxResponseBytes", "a positive integer", maxResponseBytes);
    }
    const logLevel = options.logLevel ?? (logger ? "info" : "off");
    if (!isLogLevel(logLevel)) {
      throw configError("logLevel", "'debug', 'info', 'warn' or 'off'", logLevel);
    }
    return new OrchestrationClient(
      new Transport({ ...options, orchestrationUrl, log: createLog(logger ?? console, logLevel) }),
    );
  }

  /** A printable view without credentials. */
  toJSON(): Record<string, unknown> {
    const { orchestrationUrl, rpcUrl, apiKey, privateKey } = this.#options;
    return {
      orchestrationUrl,
      rpcUrl,
      apiKey: apiKey === undefined ? undefined : REDACTED,
      privateKey: privateKey === undefined ? undefined : REDACTED,
    };
  }

  /** Node, Bun: `util.inspect` / `console.log` show the redacted view. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `PeaqosClient ${JSON.stringify(this.toJSON())}`;
  }

  /** Deno: `Deno.inspect` / `console.log` show the redacted view. */
  [Symbol.for("Deno.customInspect")](): string {
    return `PeaqosClient ${JSON.stringify(this.toJSON())}`;
  }
}
