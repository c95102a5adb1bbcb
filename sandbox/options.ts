/**
 * Options of the sandbox and their resolved (defaulted) form.
 *
 * @module
 */
import { isAddress, randomToken } from "./crypto.ts";
import type { SandboxCatalogue } from "./live_catalogue.ts";

/** A webhook subscriber the sandbox POSTs events to. */
export type SandboxWebhookSubscription = {
  /** Receiver URL (loopback in tests). */
  readonly url: string;
  /** Standard Webhooks secret, `whsec_<base64 key>`. */
  readonly secret: string;
  /** Event types to deliver; omitted or empty delivers every type. */
  readonly events?: readonly string[];
};

/**
 * Whether machine identities must be proven: `"required"` (the default, as in production) or
 * `"off"` (machines are created, activated and paired without identity proofs).
 */
export type MachineIdentityVerification = "required" | "off";

/** Options of {@linkcode startSandbox} and {@linkcode createSandboxApp}. */
export type SandboxOptions = {
  /** TCP port for `startSandbox`; `0` (the default) picks any free port. */
  readonly port?: number | undefined;
  /** Interface for `startSandbox` to listen on; default `127.0.0.1`. */
  readonly hostname?: string | undefined;
  /** Platform API keys accepted as `x-api-key`; default: one freshly generated key. */
  readonly apiKeys?: readonly string[] | undefined;
  /**
   * Whether platform routes need `x-api-key` (`PEAQOS_REQUIRE_API_AUTH`); default `true`. When
   * `false` they answer without a key and ignore any key sent.
   */
  readonly requireApiAuth?: boolean | undefined;
  /**
   * Whether search and the order and payment actions need `x-agent-pairing-token`
   * (`PEAQOS_REQUIRE_AGENT_PAIRING_AUTH`); default `true`. When `false`, a request without a
   * token acts for the pairing named by the body's `agentPairingId` (search, order creation) or
   * the pairing the order was placed through (order and payment actions); a token sent anyway
   * is still verified.
   */
  readonly requireAgentPairingAuth?: boolean | undefined;
  /**
   * Machine identity verification (`PEAQOS_MACHINE_IDENTITY_VERIFICATION`); default
   * `"required"`.
   */
  readonly machineIdentityVerification?: MachineIdentityVerification | undefined;
  /**
   * Whether agents can be paired; default `true`. When `false`, pairing challenges, pairings and
   * sessions answer 503 `AGENT_PAIRING_UNAVAILABLE`.
   */
  readonly agentPairingEnabled?: boolean | undefined;
  /** Webhook subscribers that receive order and payment events. */
  readonly webhooks?: readonly SandboxWebhookSubscription[] | undefined;
  /** EVM JSON-RPC URL used to verify `rpc` payment proofs; without it they are `PAYMENT_RPC_REQUIRED`. */
  readonly rpcUrl?: string | undefined;
  /** The sandbox clock (challenge, token and lease expiry); default `() => new Date()`. */
  readonly now?: (() => Date) | undefined;
  /**
   * Controllers per identity reference: `identityRef` → controller addresses. A
   * `did:peaq:0x<address>` not listed here is controlled by its own address; a
   * `peaqos:machine:<id>` must be listed (else `PEAQOS_IDENTITY_UNAVAILABLE`).
   */
  readonly identities?: Readonly<Record<string, readonly string[]>> | undefined;
  /** HS256 secret for pairing tokens (UTF-8); default: 32 random bytes per app. */
  readonly jwtSecret?: string | undefined;
  /** Lifetime of identity and pairing challenges in seconds; default 300. */
  readonly challengeTtlSeconds?: number | undefined;
  /** Lifetime of a pairing session token in seconds; default 3600. */
  readonly pairingSessionTtlSeconds?: number | undefined;
  /** `ownerId` written on created machines; default `"owner_sandbox"`. */
  readonly ownerId?: string | undefined;
  /** fetch used for outbound calls (webhooks, RPC, runtime endpoints); default global fetch. */
  readonly fetch?: typeof fetch | undefined;
  /** Delay before the first webhook retry, doubled per retry (4 attempts); default 500 ms. */
  readonly webhookRetryDelayMs?: number | undefined;
  /**
   * Serves the test controls under `/__sandbox` (reset, state snapshot, seed, fault injection);
   * default `false`. Never switch them on for a shared deployment: they need no credential.
   */
  readonly testControls?: boolean | undefined;
  /** A custom catalogue (skills and services) instead of the built-in one; checked at startup. */
  readonly catalogue?: SandboxCatalogue | undefined;
};

/** Options with every default filled in. */
export type ResolvedSandboxOptions = {
  readonly port: number;
  readonly hostname: string;
  readonly apiKeys: readonly string[];
  readonly requireApiAuth: boolean;
  readonly requireAgentPairingAuth: boolean;
  readonly machineIdentityVerification: MachineIdentityVerification;
  readonly agentPairingEnabled: boolean;
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
  readonly testControls: boolean;
  readonly catalogue: SandboxCatalogue | undefined;
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
  const verification = options.machineIdentityVerification;
  if (verification !== undefined && verification !== "required" && verification !== "off") {
    throw new TypeError(
      `Invalid 'machineIdentityVerification': expected 'required' or 'off', got '${verification}'`,
    );
  }
  const apiKeys = options.apiKeys && options.apiKeys.length > 0
    ? [...options.apiKeys]
    : [randomToken("sk_sandbox", 24)];
  return {
    port: options.port ?? 0,
    hostname: options.hostname ?? "127.0.0.1",
    apiKeys,
    requireApiAuth: options.requireApiAuth ?? true,
    requireAgentPairingAuth: options.requireAgentPairingAuth ?? true,
    machineIdentityVerification: options.machineIdentityVerification ?? "required",
    agentPairingEnabled: options.agentPairingEnabled ?? true,
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
    testControls: options.testControls ?? false,
    catalogue: options.catalogue,
  };
}
