/**
 * Options of the sandbox and their resolved (defaulted) form.
 *
 * @module
 */
import { isAddress, randomToken } from "./crypto.ts";

/** A webhook subscriber the sandbox POSTs events to. */
export type SandboxWebhookSubscription = {
  /** Receiver URL (loopback in tests). */
  readonly url: string;
  /** Standard Webhooks secret, `whsec_<base64 key>`. */
  readonly secret: string;
  /** Event types to deliver; omitted or empty delivers every type. */
  readonly events?: readonly string[];
};

/** Options of {@linkcode startSandbox} and {@linkcode createSandboxApp}. */
export type SandboxOptions = {
  /** TCP port for `startSandbox`; `0` (the default) picks any free port. */
  readonly port?: number;
  /** Interface for `startSandbox` to listen on; default `127.0.0.1`. */
  readonly hostname?: string;
  /** Platform API keys accepted as `x-api-key`; default: one freshly generated key. */
  readonly apiKeys?: readonly string[];
  /** Webhook subscribers that receive order and payment events. */
  readonly webhooks?: readonly SandboxWebhookSubscription[];
  /** EVM JSON-RPC URL used to verify `rpc` payment proofs; without it they are `PAYMENT_RPC_REQUIRED`. */
  readonly rpcUrl?: string;
  /** The sandbox clock (challenge, token and lease expiry); default `() => new Date()`. */
  readonly now?: () => Date;
  /**
   * Controllers per identity reference: `identityRef` → controller addresses. A
   * `did:peaq:0x<address>` not listed here is controlled by its own address; a
   * `peaqos:machine:<id>` must be listed (else `PEAQOS_IDENTITY_UNAVAILABLE`).
   */
  readonly identities?: Readonly<Record<string, readonly string[]>>;
  /** HS256 secret for pairing tokens (UTF-8); default: 32 random bytes per app. */
  readonly jwtSecret?: string;
  /** Lifetime of identity and pairing challenges in seconds; default 300. */
  readonly challengeTtlSeconds?: number;
  /** Lifetime of a pairing session token in seconds; default 3600. */
  readonly pairingSessionTtlSeconds?: number;
  /** `ownerId` written on created machines; default `"owner_sandbox"`. */
  readonly ownerId?: string;
  /** fetch used for outbound calls (webhooks, RPC, runtime endpoints); default global fetch. */
  readonly fetch?: typeof fetch;
  /** Delay before the first webhook retry, doubled per retry (4 attempts); default 500 ms. */
  readonly webhookRetryDelayMs?: number;
};

/** Options with every default filled in. */
export type ResolvedSandboxOptions = {
  readonly port: number;
  readonly hostname: string;
  readonly apiKeys: readonly string[];
  readonly webhooks: readonly SandboxWebhookSubscription[];
  readonly rpcUrl: string | undefined;
  readonly now: () => Date;
  readonly identities: Readonly<Record<string, readonly string[]>>;
  readonly jwtSecret: string | undefined;
  readonly challengeTtlSeconds: number;
  readonly pairingSessionTtlSeconds: number;
  readonly ownerId: string;
  readonly fetch: typeof fetch;
  readonly webhookRetryDelayMs: number;
};

/**
 * Fills in the defaults of {@linkcode SandboxOptions}.
 *
 * @example
 * ```ts ignore
 * const resolved = resolveOptions({ port: 8787 });
 * ```
 */
export function resolveOptions(options: SandboxOptions = {}): ResolvedSandboxOptions {
  // Misconfiguration fails at startup with a clear message, not later as a puzzling 4xx.
  for (const [identityRef, controllers] of Object.entries(options.identities ?? {})) {
    for (const address of controllers) {
      if (!isAddress(address)) {
        throw new TypeError(
          `Invalid 'identities': controller of '${identityRef}' must be a 0x address: '${address}'`,
        );
      }
    }
  }
  if (options.apiKeys?.some((key) => typeof key !== "string" || key.trim() === "")) {
    throw new TypeError("Invalid 'apiKeys': every key must be a non-empty string");
  }
  const apiKeys = options.apiKeys && options.apiKeys.length > 0
    ? [...options.apiKeys]
    : [randomToken("sk_sandbox", 24)];
  return {
    port: options.port ?? 0,
    hostname: options.hostname ?? "127.0.0.1",
    apiKeys,
    webhooks: options.webhooks ?? [],
    rpcUrl: options.rpcUrl,
    now: options.now ?? (() => new Date()),
    identities: options.identities ?? {},
    jwtSecret: options.jwtSecret,
    challengeTtlSeconds: options.challengeTtlSeconds ?? 300,
    pairingSessionTtlSeconds: options.pairingSessionTtlSeconds ?? 3600,
    ownerId: options.ownerId ?? "owner_sandbox",
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    webhookRetryDelayMs: options.webhookRetryDelayMs ?? 500,
  };
}
