/**
 * Helpers for the sandbox's platform tests: a running sandbox with an SDK client, verified
 * machines, paired agents and a one-line check of an API error's code and status.
 */
import { assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { OrchestrationApiError, PeaqosClient } from "../mod.ts";
import type {
  AgentPairingWithToken,
  DelegationPolicyInput,
  Machine,
  OrchestrationClient,
} from "../mod.ts";
import {
  createWallet,
  type SandboxOptions,
  startSandbox,
  type TestWallet,
} from "../sandbox/mod.ts";
import type { RunningSandbox } from "../sandbox/mod.ts";

/** A sandbox with an SDK client pointed at it; dispose with `await using`. */
export type Harness = {
  readonly sandbox: RunningSandbox;
  readonly api: OrchestrationClient;
  readonly client: PeaqosClient;
  [Symbol.asyncDispose](): Promise<void>;
};

/** Starts a sandbox on 127.0.0.1 and an SDK client for it. */
export async function harness(options: SandboxOptions = {}): Promise<Harness> {
  const sandbox = await startSandbox(options);
  const client = new PeaqosClient({ orchestrationUrl: sandbox.url, apiKey: sandbox.apiKey });
  return {
    sandbox,
    client,
    api: client.orchestration,
    [Symbol.asyncDispose]: () => sandbox.close(),
  };
}

/**
 * An SDK client that sends no `x-api-key`, for sandboxes with `requireApiAuth: false`. The key
 * is dropped on the way out rather than left unconfigured, so the test does not depend on
 * whether the SDK itself refuses platform calls without a key.
 */
export function keylessApi(sandbox: RunningSandbox): OrchestrationClient {
  return new PeaqosClient({
    orchestrationUrl: sandbox.url,
    apiKey: "unused",
    fetch: (input, init) => {
      const headers = new Headers(init.headers);
      headers.delete("x-api-key");
      return fetch(input, { ...init, headers });
    },
  }).orchestration;
}

/** A settable clock for the `now` option. */
export function manualClock(start = "2026-03-01T12:00:00.000Z"): {
  now: () => Date;
  advance(seconds: number): void;
} {
  let ms = Date.parse(start);
  return {
    now: () => new Date(ms),
    advance: (seconds) => {
      ms += seconds * 1000;
    },
  };
}

/** Asserts that `promise` rejects with an `OrchestrationApiError` of this code and status. */
export async function assertApiError(
  promise: Promise<unknown>,
  code: string,
  statusCode: number,
): Promise<OrchestrationApiError> {
  const error = await assertRejects(() => promise, OrchestrationApiError);
  assertInstanceOf(error, OrchestrationApiError);
  assertEquals({ code: error.code, statusCode: error.statusCode }, { code, statusCode });
  return error;
}

/** Signs a fresh identity challenge for `identityRef` with `wallet`. */
export async function identityProof(
  api: OrchestrationClient,
  wallet: TestWallet,
  identityRef = `did:peaq:${wallet.address}`,
): Promise<{ challengeId: string; signature: string }> {
  const { item } = await api.createMachineIdentityChallenge({ identityRef });
  return { challengeId: item.challengeId, signature: wallet.signMessage(item.message) };
}

/** Creates an active, identity-verified machine controlled by a new (or given) wallet. */
export async function verifiedMachine(
  api: OrchestrationClient,
  wallet: TestWallet = createWallet(),
  displayName = "Rover 7",
): Promise<{ machine: Machine; wallet: TestWallet }> {
  const identityRef = `did:peaq:${wallet.address}`;
  const { item } = await api.createMachine({
    displayName,
    machineType: "rover",
    status: "active",
    identityRef,
    identityProof: await identityProof(api, wallet, identityRef),
  });
  return { machine: item, wallet };
}

/** The agent fields pairing challenges are keyed to. */
export function agentFields(agent: TestWallet): {
  agentAddress: string;
  agentProvider: string;
  agentRole: string;
} {
  return { agentAddress: agent.address, agentProvider: "anthropic", agentRole: "buyer" };
}

/** Signs a fresh pairing challenge for `agent` on `machineId`. */
export async function pairingProof(
  api: OrchestrationClient,
  machineId: string,
  agent: TestWallet,
): Promise<{ challengeId: string; signature: string }> {
  const { item } = await api.createAgentPairingChallenge(machineId, agentFields(agent));
  return { challengeId: item.challengeId, signature: agent.signMessage(item.message) };
}

/** Pairs a new (or given) agent wallet with `machineId`. */
export async function pairAgent(
  api: OrchestrationClient,
  machineId: string,
  agent: TestWallet = createWallet(),
  delegationPolicy?: DelegationPolicyInput,
): Promise<{ pairing: AgentPairingWithToken; agent: TestWallet }> {
  const { item } = await api.createAgentPairing(machineId, {
    ...agentFields(agent),
    ...(delegationPolicy && { delegationPolicy }),
    agentProof: await pairingProof(api, machineId, agent),
  });
  return { pairing: item, agent };
}

/** Decodes a JWT's payload (no verification: the tests inspect what the server put there). */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split(".")[1] ?? "";
  const json = atob(payload.replaceAll("-", "+").replaceAll("_", "/"));
  return JSON.parse(json) as Record<string, unknown>;
}

/** Raw fetch against the sandbox that reads the body fully. */
export async function rawRequest(
  sandbox: RunningSandbox,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${sandbox.url}${path}`, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, body, headers: res.headers };
}
