/**
 * Seeding a sandbox for a test (`POST /__sandbox/seed`, `startSandbox({ seed })`,
 * `--seed seed.json`): machines with verified identities, agents paired with them (each with a
 * live pairing token) and extra catalogue services, in one call.
 *
 * Machines and pairings are made through the app's own routes, as a client would: the seed
 * holds the controller and agent keys (generated when omitted), asks for the challenges and
 * signs them, so a seeded record is exactly what the API would have made and every rule of the
 * routes applies. Steps run in order and stop at the first failure; what was seeded before it
 * stays.
 *
 * @module
 */
import { z } from "zod";
import type { AgentPairingWithToken, Machine, MarketService } from "../src/types/mod.ts";
import type { SandboxContext } from "./context.ts";
import { addressFromPrivateKey, generatePrivateKey, signPersonalMessage } from "./crypto.ts";
import { ApiError } from "./errors.ts";
import { validationError } from "./validate.ts";

const privateKeySchema = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x + 64 hex digits");
const refSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "must be a short name");

const seedMachineSchema = z.looseObject({
  ref: refSchema.optional(),
  controllerPrivateKey: privateKeySchema.optional(),
});

const seedPairingSchema = z.looseObject({
  ref: refSchema.optional(),
  machine: z.string().min(1).max(200),
  agentPrivateKey: privateKeySchema.optional(),
});

/** zod schema of {@linkcode SandboxSeed}; each record's own fields are checked by its route. */
export const seedSchema = z.strictObject({
  machines: z.array(seedMachineSchema).max(1000).optional(),
  pairings: z.array(seedPairingSchema).max(1000).optional(),
  services: z.array(z.unknown()).max(1000).optional(),
});

/** A machine to seed: `createMachine`'s fields (no identity fields), plus a name and a key. */
export type SandboxSeedMachine = {
  /** A name the seed's pairings refer to the machine by. */
  readonly ref?: string | undefined;
  /** The identity's controller key (a test key); default a fresh one. */
  readonly controllerPrivateKey?: string | undefined;
  readonly displayName: string;
  readonly machineType: string;
  /** Default `"active"`. */
  readonly status?: "draft" | "active" | undefined;
  readonly [field: string]: unknown;
};

/** An agent to pair: `createAgentPairing`'s fields (no proof), plus the machine and a key. */
export type SandboxSeedPairing = {
  readonly ref?: string | undefined;
  /** A seeded machine's `ref`, or the id of a machine that exists. */
  readonly machine: string;
  /** The agent's key (a test key); default a fresh one. */
  readonly agentPrivateKey?: string | undefined;
  /** Default `"sandbox-seed"`. */
  readonly agentProvider?: string | undefined;
  /** Default `"buyer"`. */
  readonly agentRole?: string | undefined;
  readonly [field: string]: unknown;
};

/** What to seed. */
export type SandboxSeed = {
  readonly machines?: readonly SandboxSeedMachine[] | undefined;
  readonly pairings?: readonly SandboxSeedPairing[] | undefined;
  /** Catalogue services to add (a known id is replaced), checked like a catalogue file's. */
  readonly services?: readonly unknown[] | undefined;
};

/** What a seed made. Pairing tokens are shown here once, as the pairing routes show them. */
export type SandboxSeedResult = {
  readonly machines: ReadonlyArray<{
    readonly ref: string | null;
    readonly machine: Machine;
    readonly controllerAddress: string;
  }>;
  readonly pairings: ReadonlyArray<{
    readonly ref: string | null;
    readonly pairing: AgentPairingWithToken;
    readonly agentAddress: string;
  }>;
  readonly services: readonly string[];
};

/** Sends one request through the app, bypassing the fault rules. */
export type InternalFetch = (method: string, path: string, body: unknown) => Promise<Response>;

async function call<T>(
  fetch: InternalFetch,
  step: string,
  method: string,
  path: string,
  body: unknown,
): Promise<T> {
  const response = await fetch(method, path, body);
  const payload = await response.json() as {
    item?: T;
    error?: { code: string; message: string; details: unknown };
  };
  if (!response.ok || payload.item === undefined) {
    const error = payload.error;
    throw new ApiError(
      response.status as 400,
      error?.code ?? "INTERNAL",
      `Seed failed at ${step}: ${error?.message ?? `status ${response.status}`}`,
      error?.details ?? null,
    );
  }
  return payload.item;
}

function withoutKeys(
  record: Record<string, unknown>,
  keys: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record)) if (!keys.includes(name)) out[name] = value;
  return out;
}

/**
 * Applies a seed: services first, then machines, then pairings. Throws a `VALIDATION_ERROR`
 * for a malformed seed, or the first failing step's error with the step named
 * (`machines[1]`, `pairings[0]`).
 *
 * @example
 * ```ts ignore
 * const result = await applySeed(ctx, internalFetch, {
 *   machines: [{ ref: "rover", displayName: "Rover 7", machineType: "rover" }],
 *   pairings: [{ machine: "rover" }],
 * });
 * result.pairings[0].pairing.pairingToken;
 * ```
 */
export async function applySeed(
  ctx: SandboxContext,
  fetch: InternalFetch,
  input: unknown,
): Promise<SandboxSeedResult> {
  const parsed = seedSchema.safeParse(input);
  if (!parsed.success) {
    throw validationError(parsed.error.issues.map((issue) => ({
      path: issue.path.length > 0 ? issue.path.join(".") : "(body)",
      message: issue.message,
    })));
  }
  const seed = parsed.data;
  let services: MarketService[] = [];
  if (seed.services !== undefined && seed.services.length > 0) {
    try {
      services = ctx.catalogue.addServices(seed.services);
    } catch (error) {
      throw new ApiError(400, "VALIDATION_ERROR", (error as Error).message);
    }
  }

  const machines: Array<SandboxSeedResult["machines"][number]> = [];
  const machineIds = new Map<string, string>();
  for (const [index, entry] of (seed.machines ?? []).entries()) {
    const step = `machines[${index}]`;
    const key = entry.controllerPrivateKey ?? generatePrivateKey();
    const controllerAddress = addressFromPrivateKey(key);
    const identityRef = `did:peaq:${controllerAddress}`;
    const challenge = await call<{ challengeId: string; message: string }>(
      fetch,
      step,
      "POST",
      "/machine-identity/challenges",
      { identityRef },
    );
    const machine = await call<Machine>(fetch, step, "POST", "/machines", {
      status: "active",
      ...withoutKeys(entry, ["ref", "controllerPrivateKey"]),
      identityRef,
      identityProof: {
        challengeId: challenge.challengeId,
        signature: signPersonalMessage(key, challenge.message),
      },
    });
    if (entry.ref !== undefined) machineIds.set(entry.ref, machine.id);
    machines.push({ ref: entry.ref ?? null, machine, controllerAddress });
  }

  const pairings: Array<SandboxSeedResult["pairings"][number]> = [];
  for (const [index, entry] of (seed.pairings ?? []).entries()) {
    const step = `pairings[${index}]`;
    const machineId = machineIds.get(entry.machine) ?? entry.machine;
    const key = entry.agentPrivateKey ?? generatePrivateKey();
    const agentAddress = addressFromPrivateKey(key);
    const agent = {
      agentAddress,
      agentProvider: entry.agentProvider ?? "sandbox-seed",
      agentRole: entry.agentRole ?? "buyer",
      ...(typeof entry.agentDid === "string" && { agentDid: entry.agentDid }),
    };
    const base = `/machines/${encodeURIComponent(machineId)}/agent-pairings`;
    const challenge = await call<{ challengeId: string; message: string }>(
      fetch,
      step,
      "POST",
      `${base}/challenges`,
      agent,
    );
    const pairing = await call<AgentPairingWithToken>(fetch, step, "POST", base, {
      ...withoutKeys(entry, ["ref", "machine", "agentPrivateKey"]),
      ...agent,
      agentProof: {
        challengeId: challenge.challengeId,
        signature: signPersonalMessage(key, challenge.message),
      },
    });
    pairings.push({ ref: entry.ref ?? null, pairing, agentAddress });
  }
  return { machines, pairings, services: services.map((service) => service.id) };
}
