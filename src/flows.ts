/**
 * One-call flows composed from the flat methods of `client.orchestration`: register a machine
 * with an identity proof, pair an agent, and rotate its session (`buyService` is in
 * `purchase.ts`).
 * Each step is the flat method itself, so a failure rejects with the same error that method
 * would raise (an `OrchestrationApiError` with the server's code, a validation error, …).
 * Every failure is an `OrchestrationError`: an answer missing a field the flow needs is
 * `INVALID_RESPONSE_SHAPE`, and an error thrown by a signer or a callback is wrapped in an
 * `OrchestrationError` whose `cause` is that error.
 *
 * @example The whole story in four calls
 * ```ts ignore
 * import { buyService, pairAgent, registerMachine } from "@peaqos/peaq-os-sdk";
 * import { createClient, privateKeySigner } from "@peaqos/peaq-os-sdk/signer";
 *
 * const client = createClient({ orchestrationUrl, apiKey, privateKey: machineKey });
 * const { machine } = await registerMachine(client, { displayName: "Rover 7", machineType: "rover" });
 * const session = await pairAgent(client, {
 *   machineId: machine.id, signer: privateKeySigner(agentKey), agentProvider: "anthropic", agentRole: "buyer",
 * });
 * const purchase = await buyService(client, { session, search: { query: "object detection" } });
 * if (purchase.status === "confirmed") console.log(purchase.outcome.output);
 * ```
 *
 * @module
 */
import type { PeaqosClient } from "./client.ts";
import { OrchestrationValidationError } from "./errors.ts";
import { guarded, isObject, requireText, resolveSigner, shapeError } from "./flow_helpers.ts";
import { attachSecret } from "./redact.ts";
import type { MessageSigner, Signer } from "./signer.ts";
import type { RequestOptions } from "./transport.ts";
import type {
  CreateMachineRequest,
  Machine,
  MachineIdentityChallengeResponse,
} from "./types/machines.ts";
import type { AgentPairing, DelegationPolicyInput } from "./types/pairings.ts";

/**
 * Parameters of {@linkcode registerMachine}.
 *
 * @example Usage
 * ```ts
 * import type { RegisterMachineParams } from "@peaqos/peaq-os-sdk";
 *
 * const params: RegisterMachineParams = {
 *   displayName: "Rover 7",
 *   machineType: "rover",
 *   activate: true,
 * };
 * ```
 */
export type RegisterMachineParams =
  & Omit<CreateMachineRequest, "identityRef" | "identityProof" | "status">
  & {
    /** Signs the identity challenge; default: the client's `signer`. */
    readonly signer?: Signer | undefined;
    /** `did:peaq:0x…` or `peaqos:machine:<id>`; default `did:peaq:<signer address>`. */
    readonly identityRef?: string | undefined;
    /** Create the machine `active` (default) rather than `draft`. */
    readonly activate?: boolean | undefined;
  };

/**
 * What {@linkcode registerMachine} resolves to.
 *
 * @example From `registerMachine`
 * ```ts ignore
 * import { PeaqosClient, registerMachine } from "@peaqos/peaq-os-sdk";
 *
 * const client = new PeaqosClient({ orchestrationUrl, apiKey, signer });
 * const { machine, challenge } = await registerMachine(client, {
 *   displayName: "Rover 7",
 *   machineType: "rover",
 * });
 * console.log(machine.status, challenge.challengeId);
 * ```
 */
export type RegisteredMachine = {
  /** The created machine, identity-verified. */
  readonly machine: Machine;
  /** The challenge that was signed. */
  readonly challenge: MachineIdentityChallengeResponse;
};

/**
 * Parameters of {@linkcode pairAgent}.
 *
 * @example Usage
 * ```ts
 * import type { PairAgentParams } from "@peaqos/peaq-os-sdk";
 *
 * const params: PairAgentParams = {
 *   machineId: "mach_123",
 *   agentProvider: "openai",
 *   agentRole: "buyer",
 * };
 * ```
 */
export type PairAgentParams = {
  readonly machineId: string;
  /** The agent's key: the pairing's `agentAddress` is its address. Default: the client's `signer`. */
  readonly signer?: Signer | undefined;
  readonly agentProvider: string;
  readonly agentRole: string;
  /** `did:pkh:eip155:<chainId>:<agentAddress>` when given. */
  readonly agentDid?: string | undefined;
  readonly description?: string | undefined;
  readonly delegationPolicy?: DelegationPolicyInput | undefined;
};

/**
 * A pairing with its fresh session token, returned once. `pairingToken` is readable as a
 * property but prints as `"[REDACTED]"` through `JSON.stringify`, `console.log` and inspect.
 *
 * @example From `pairAgent`
 * ```ts ignore
 * import { pairAgent } from "@peaqos/peaq-os-sdk";
 *
 * const session = await pairAgent(client, { machineId, agentProvider: "openai", agentRole: "buyer" });
 * console.log(session.pairing.status); // keep session.pairingToken secret
 * ```
 */
export type AgentSession = {
  readonly pairing: AgentPairing;
  readonly pairingToken: string;
};

/**
 * Parameters of {@linkcode rotateAgentSession}.
 *
 * @example From a stored pairing
 * ```ts ignore
 * import { rotateAgentSession, type RotateAgentSessionParams } from "@peaqos/peaq-os-sdk";
 *
 * const params: RotateAgentSessionParams = { pairing: session.pairing };
 * const fresh = await rotateAgentSession(client, params);
 * ```
 */
export type RotateAgentSessionParams = {
  /** The pairing to rotate (as returned by `pairAgent`, `listAgentPairings`, …). */
  readonly pairing: Pick<
    AgentPairing,
    | "id"
    | "machineId"
    | "agentAddress"
    | "agentProvider"
    | "agentRole"
    | "agentDid"
  >;
  /** The key behind `pairing.agentAddress`; default: the client's `signer`. */
  readonly signer?: Signer | undefined;
};

// A challenge is signed as it came; one without a message or id cannot be answered.
async function signChallenge(
  signer: MessageSigner,
  challenge: { readonly challengeId?: unknown; readonly message?: unknown },
): Promise<{ challengeId: string; signature: string }> {
  const challengeId = requireText(challenge.challengeId, "'item.challengeId'");
  const message = requireText(challenge.message, "'item.message'");
  const signature = await guarded(
    "Signing the challenge",
    () => signer.signMessage(message),
  );
  if (typeof signature !== "string" || signature === "") {
    throw new OrchestrationValidationError(
      "signer",
      "a signer whose signMessage returns a string",
    );
  }
  return { challengeId, signature };
}

function session(
  pairing: AgentPairing & { pairingToken?: string },
): AgentSession {
  const token = pairing.pairingToken;
  if (typeof token !== "string") {
    throw shapeError("expected 'item.pairingToken' to be a string");
  }
  return attachSecret({ pairing }, "pairingToken", token);
}

/**
 * Registers a machine with a verified identity in one call: requests an identity challenge for
 * `identityRef` (default `did:peaq:<signer address>`), signs it with EIP-191, and creates the
 * machine with the proof, `active` unless `activate: false`.
 *
 * @example Register with a viem account
 * ```ts ignore
 * import { PeaqosClient, registerMachine } from "@peaqos/peaq-os-sdk";
 * import { privateKeyToAccount } from "viem/accounts";
 *
 * const client = PeaqosClient.fromEnv();
 * const { machine } = await registerMachine(client, {
 *   signer: privateKeyToAccount(controllerKey),
 *   displayName: "Rover 7",
 *   machineType: "rover",
 * });
 * console.log(machine.status); // "active"
 * ```
 */
export function registerMachine(
  client: PeaqosClient,
  params: RegisterMachineParams,
  requestOptions?: RequestOptions,
): Promise<RegisteredMachine> {
  return guarded("'registerMachine'", async () => {
    const { signer, identityRef, activate, ...machine } = params;
    const controller = resolveSigner(client, signer);
    const api = client.orchestration;
    const ref = identityRef ?? `did:peaq:${controller.address}`;
    const { item: challenge } = await api.createMachineIdentityChallenge(
      { identityRef: ref },
      requestOptions,
    );
    const identityProof = await signChallenge(controller, challenge);
    const { item } = await api.createMachine({
      ...machine,
      status: activate === false ? "draft" : "active",
      identityRef: ref,
      identityProof,
    }, requestOptions);
    return { machine: item, challenge };
  });
}

/**
 * Pairs an agent with a machine in one call: a challenge keyed to the signer's address, an
 * EIP-191 signature, then the pairing. The session token is returned once, hidden from every
 * printed form of the result.
 *
 * @example Pair an ethers wallet as a buyer
 * ```ts ignore
 * import { pairAgent } from "@peaqos/peaq-os-sdk";
 * import { Wallet } from "ethers";
 *
 * const session = await pairAgent(client, {
 *   machineId: machine.id,
 *   signer: new Wallet(agentKey),
 *   agentProvider: "anthropic",
 *   agentRole: "buyer",
 *   delegationPolicy: { dailySpendLimit: 100, currency: "USDT" },
 * });
 * console.log(session); // { pairing: {...}, pairingToken: "[REDACTED]" }
 * ```
 */
export function pairAgent(
  client: PeaqosClient,
  params: PairAgentParams,
  requestOptions?: RequestOptions,
): Promise<AgentSession> {
  return guarded("'pairAgent'", async () => {
    const {
      machineId,
      signer,
      agentProvider,
      agentRole,
      agentDid,
      description,
      delegationPolicy,
    } = params;
    const agent = resolveSigner(client, signer);
    const api = client.orchestration;
    const identity = {
      agentAddress: agent.address,
      agentProvider,
      agentRole,
      ...(agentDid === undefined ? {} : { agentDid }),
    };
    const { item: challenge } = await api.createAgentPairingChallenge(
      machineId,
      identity,
      requestOptions,
    );
    const agentProof = await signChallenge(agent, challenge);
    const { item } = await api.createAgentPairing(machineId, {
      ...identity,
      ...(description === undefined ? {} : { description }),
      ...(delegationPolicy === undefined ? {} : { delegationPolicy }),
      agentProof,
    }, requestOptions);
    return session(item);
  });
}

/**
 * Rotates a pairing's session token with a fresh proof in one call (needed after a delegation
 * policy change, or before the token expires). The signer must hold the pairing's
 * `agentAddress`; a different key is rejected before any request.
 *
 * @example
 * ```ts ignore
 * import { rotateAgentSession } from "@peaqos/peaq-os-sdk";
 *
 * await client.orchestration.updateAgentPairing(machineId, session.pairing.id, { delegationPolicy });
 * const fresh = await rotateAgentSession(client, { pairing: session.pairing, signer: agentAccount });
 * ```
 */
export function rotateAgentSession(
  client: PeaqosClient,
  params: RotateAgentSessionParams,
  requestOptions?: RequestOptions,
): Promise<AgentSession> {
  return guarded("'rotateAgentSession'", async () => {
    const pairing = params?.pairing;
    const agent = resolveSigner(client, params?.signer);
    if (
      !isObject(pairing) || typeof pairing.agentAddress !== "string" ||
      pairing.agentAddress.toLowerCase() !== agent.address.toLowerCase()
    ) {
      throw new OrchestrationValidationError(
        "signer",
        "the key behind the pairing's 'agentAddress'",
      );
    }
    const api = client.orchestration;
    const { item: challenge } = await api.createAgentPairingChallenge(
      pairing.machineId,
      {
        agentAddress: pairing.agentAddress,
        agentProvider: pairing.agentProvider,
        agentRole: pairing.agentRole,
        ...(pairing.agentDid ? { agentDid: pairing.agentDid } : {}),
      },
      requestOptions,
    );
    const agentProof = await signChallenge(agent, challenge);
    const { item } = await api.createAgentPairingSession(
      pairing.machineId,
      pairing.id,
      {
        agentProof,
      },
      requestOptions,
    );
    return session(item);
  });
}
