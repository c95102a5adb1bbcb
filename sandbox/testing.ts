/**
 * Test and demo tooling: throwaway secp256k1 wallets that sign EIP-191 messages, so tests and
 * the demo can answer identity and pairing challenges (never use these keys for real funds),
 * and a typed client of the sandbox's test controls (reset, state, seed, fault injection).
 *
 * @module
 */
import { attachSecret } from "../src/redact.ts";
import type { AgentPairingWithToken } from "../src/types/mod.ts";
import { addressFromPrivateKey, generatePrivateKey, signPersonalMessage } from "./crypto.ts";
import type { SandboxFault, SandboxFaultInput } from "./faults.ts";
import type { SandboxSeed, SandboxSeedResult } from "./seed.ts";
import type { SandboxSnapshot } from "./snapshot.ts";

/** A generated key pair with an EIP-191 signer. */
export type TestWallet = {
  /** `0x` + 64 hex digits. */
  readonly privateKey: string;
  /** EIP-55 checksummed address. */
  readonly address: string;
  /** Signs like `personal_sign`; returns `0x` + r || s || v. */
  signMessage(message: string): string;
};

/**
 * Creates a wallet from `privateKey`, or a fresh random one.
 *
 * @example
 * ```ts ignore
 * const wallet = createWallet();
 * const signature = wallet.signMessage(challenge.message);
 * ```
 */
export function createWallet(privateKey: string = generatePrivateKey()): TestWallet {
  const address = addressFromPrivateKey(privateKey);
  return {
    privateKey,
    address,
    signMessage: (message) => signPersonalMessage(privateKey, message),
  };
}

/** A test-control call the sandbox refused, or a sandbox without test controls. */
export class SandboxControlsError extends Error {
  /** HTTP status of the answer. */
  readonly status: number;
  /** The error code of the answer (`VALIDATION_ERROR`, `NOT_FOUND`, ...). */
  readonly code: string;
  /** The answer's error details. */
  readonly details: unknown;

  /** An error for a refused control call. */
  constructor(status: number, code: string, message: string, details: unknown = null) {
    super(message);
    this.name = "SandboxControlsError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** Extra settings of a forced status ({@linkcode SandboxControls.fail}). */
export type FailOptions = Pick<SandboxFaultInput, "after" | "code" | "message" | "retryAfter">;

/**
 * Typed client of a sandbox's test controls (`/__sandbox`, `testControls: true`).
 * `startSandbox().controls` is one; {@linkcode createSandboxControls} makes one for a sandbox
 * started elsewhere (`npx peaqos-sandbox --test-controls`).
 */
export type SandboxControls = {
  /** Empties the state: no machines, pairings, orders, faults; the configured catalogue. */
  reset(): Promise<void>;
  /** A redacted snapshot of the state (no tokens, secrets or signatures). */
  state(): Promise<SandboxSnapshot>;
  /** Creates machines, pairings (their tokens hidden from JSON and logs) and services. */
  seed(seed: SandboxSeed): Promise<SandboxSeedResult>;
  /** Answers the next `times` (default 1) calls of `route` with `status`. */
  fail(route: string, status: number, times?: number, options?: FailOptions): Promise<SandboxFault>;
  /** Delays calls of `route` by `ms`: the next `times` ones, or every one. */
  delay(route: string, ms: number, times?: number): Promise<SandboxFault>;
  /** Adds any fault rule. */
  addFault(rule: SandboxFaultInput): Promise<SandboxFault>;
  /** The active fault rules and their hit counts. */
  faults(): Promise<SandboxFault[]>;
  /** Removes every fault rule. */
  clearFaults(): Promise<void>;
};

/**
 * Makes `pairingToken` of every seeded pairing non-enumerable and shown as `"[REDACTED]"` by
 * `JSON.stringify` and inspection, as the SDK does with the tokens it returns.
 *
 * @example
 * ```ts ignore
 * const seeded = hideTokens(result); // seeded.pairings[0].pairing.pairingToken still reads
 * ```
 */
export function hideTokens(result: SandboxSeedResult): SandboxSeedResult {
  return {
    ...result,
    pairings: result.pairings.map((entry) => {
      const { pairingToken, ...pairing } = entry.pairing;
      return {
        ...entry,
        pairing: attachSecret(pairing, "pairingToken", pairingToken) as AgentPairingWithToken,
      };
    }),
  };
}

/**
 * A client of the test controls of the sandbox at `url` (its origin).
 *
 * @example
 * ```ts ignore
 * const controls = createSandboxControls("http://127.0.0.1:8788");
 * await controls.fail("POST /market/orders", 503, 2);
 * await controls.reset();
 * ```
 */
export function createSandboxControls(
  url: string,
  options: { readonly fetch?: typeof fetch } = {},
): SandboxControls {
  const base = `${url.replace(/\/+$/, "")}/__sandbox`;
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await send(`${base}${path}`, {
      method,
      ...(body !== undefined && {
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    });
    const text = await response.text();
    if (response.ok) return (text === "" ? undefined : JSON.parse(text)) as T;
    let error: { code?: string; message?: string; details?: unknown } = {};
    try {
      error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
    } catch {
      // not JSON: the status says enough
    }
    if (response.status === 404 && response.headers.get("x-sandbox-controls") === null) {
      throw new SandboxControlsError(
        404,
        "NOT_FOUND",
        `Test controls are off at '${url}': start the sandbox with testControls: true (--test-controls)`,
      );
    }
    throw new SandboxControlsError(
      response.status,
      error.code ?? "BAD_RESPONSE",
      `Test control '${method} /__sandbox${path}' failed: ${
        error.message ?? `status ${response.status}`
      }`,
      error.details ?? null,
    );
  };
  const addFault = async (rule: SandboxFaultInput): Promise<SandboxFault> =>
    (await call<{ item: SandboxFault }>("POST", "/faults", rule)).item;
  return {
    reset: async () => {
      await call("POST", "/reset");
    },
    state: async () => (await call<{ item: SandboxSnapshot }>("GET", "/state")).item,
    seed: async (seed) =>
      hideTokens((await call<{ item: SandboxSeedResult }>("POST", "/seed", seed)).item),
    fail: (route, status, times = 1, extra = {}) => addFault({ route, status, times, ...extra }),
    delay: (route, ms, times) =>
      addFault({ route, delayMs: ms, ...(times !== undefined && { times }) }),
    addFault,
    faults: async () => (await call<{ items: SandboxFault[] }>("GET", "/faults")).items,
    clearFaults: async () => {
      await call("DELETE", "/faults");
    },
  };
}
