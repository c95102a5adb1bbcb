/**
 * Agent pairings of a machine, as methods of `client.orchestration`.
 *
 * @module
 */
import type { RequestOptions } from "../transport.ts";
import type { ItemResponse, ListResponse } from "../types/common.ts";
import type {
  AgentPairing,
  AgentPairingChallengeResponse,
  AgentPairingWithToken,
  CreateAgentPairingChallengeRequest,
  CreateAgentPairingRequest,
  CreateAgentPairingSessionRequest,
  ListAgentPairingsOptions,
  UpdateAgentPairingRequest,
} from "../types/pairings.ts";
import type { Routes } from "./routes.ts";

/**
 * Agent pairings (`/machines/:machineId/agent-pairings`): an AI agent proves control of its
 * address and gets a session token for the agent-auth routes. `pairAgent` and
 * `rotateAgentSession` run the challenge and proof in one call.
 *
 * @example Pair an agent by hand
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * declare const agent: { address: string; signMessage(message: string): Promise<string> };
 * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
 * const who = { agentAddress: agent.address, agentProvider: "anthropic", agentRole: "buyer" };
 * const { item: challenge } = await client.orchestration.createAgentPairingChallenge("m-1", who);
 * const signature = await agent.signMessage(challenge.message);
 * const { item: pairing } = await client.orchestration.createAgentPairing("m-1", {
 *   ...who,
 *   agentProof: { challengeId: challenge.challengeId, signature },
 *   delegationPolicy: { dailySpendLimit: 100, currency: "USDT" },
 * });
 * const pairingToken = pairing.pairingToken; // readable once; never printed
 * ```
 */
export interface AgentPairingsApi {
  /**
   * Lists a machine's agent pairings (`GET /machines/:machineId/agent-pairings`).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { items } = await client.orchestration.listAgentPairings("m-1", { status: "active" });
   * ```
   */
  listAgentPairings(
    machineId: string,
    options?: ListAgentPairingsOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<AgentPairing>>;

  /**
   * Iterates every pairing of a machine across pages.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * for await (const pairing of client.orchestration.listAgentPairingsAll("m-1")) {
   *   console.log(pairing.agentAddress, pairing.status);
   * }
   * ```
   */
  listAgentPairingsAll(
    machineId: string,
    options?: Omit<ListAgentPairingsOptions, "cursor">,
    requestOptions?: RequestOptions,
  ): AsyncGenerator<AgentPairing, void, undefined>;

  /**
   * Requests a pairing challenge keyed to the agent
   * (`POST /machines/:machineId/agent-pairings/challenges`); the agent signs `item.message`
   * with the key behind `agentAddress` (see the example of {@linkcode AgentPairingsApi}).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: challenge } = await client.orchestration.createAgentPairingChallenge("m-1", {
   *   agentAddress: "0x8ba1f109551bD432803012645Ac136ddd64DBA72",
   *   agentProvider: "anthropic",
   *   agentRole: "buyer",
   * });
   * console.log(challenge.message, challenge.expiresAt);
   * ```
   */
  createAgentPairingChallenge(
    machineId: string,
    params: CreateAgentPairingChallengeRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<AgentPairingChallengeResponse>>;

  /**
   * Pairs an agent with a signed proof (`POST /machines/:machineId/agent-pairings`). The
   * session token in `item.pairingToken` is returned once; it is hidden from
   * `JSON.stringify` and `console.log` but readable as a property.
   *
   * @example See {@linkcode AgentPairingsApi} for the whole exchange
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const agentProof: { challengeId: string; signature: string };
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item } = await client.orchestration.createAgentPairing("m-1", {
   *   agentAddress: "0x8ba1f109551bD432803012645Ac136ddd64DBA72",
   *   agentProvider: "anthropic",
   *   agentRole: "buyer",
   *   agentProof,
   * });
   * console.log(JSON.stringify(item)); // "pairingToken":"[REDACTED]"
   * ```
   */
  createAgentPairing(
    machineId: string,
    params: CreateAgentPairingRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<AgentPairingWithToken>>;

  /**
   * Rotates a pairing's session token with a fresh proof
   * (`POST /machines/:machineId/agent-pairings/:pairingId/sessions`); required after a
   * delegation policy change. The new `item.pairingToken` is hidden like the first.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const agentProof: { challengeId: string; signature: string };
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item } = await client.orchestration.createAgentPairingSession("m-1", "p-1", { agentProof });
   * const pairingToken = item.pairingToken;
   * ```
   */
  createAgentPairingSession(
    machineId: string,
    pairingId: string,
    params: CreateAgentPairingSessionRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<AgentPairingWithToken>>;

  /**
   * Updates a pairing's description, status or delegation policy
   * (`PATCH /machines/:machineId/agent-pairings/:pairingId`). A policy change invalidates the
   * current token.
   *
   * @example Pause a pairing
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.updateAgentPairing("m-1", "p-1", { status: "paused" });
   * ```
   */
  updateAgentPairing(
    machineId: string,
    pairingId: string,
    params: UpdateAgentPairingRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<AgentPairing>>;

  /**
   * Revokes a pairing (`DELETE /machines/:machineId/agent-pairings/:pairingId`).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.revokeAgentPairing("m-1", "p-1");
   * ```
   */
  revokeAgentPairing(
    machineId: string,
    pairingId: string,
    requestOptions?: RequestOptions,
  ): Promise<void>;
}

/** The routes of {@linkcode AgentPairingsApi}. @internal */
export const PAIRING_ROUTES: Routes<AgentPairingsApi> = {
  listAgentPairings: "GET /machines/:machineId/agent-pairings list query",
  createAgentPairingChallenge:
    "POST /machines/:machineId/agent-pairings/challenges item body need:agentAddress,agentProvider,agentRole",
  createAgentPairing:
    "POST /machines/:machineId/agent-pairings item body need:agentAddress,agentProvider,agentRole,agentProof secret:pairingToken",
  createAgentPairingSession:
    "POST /machines/:machineId/agent-pairings/:pairingId/sessions item body need:agentProof secret:pairingToken",
  updateAgentPairing: "PATCH /machines/:machineId/agent-pairings/:pairingId item body",
  revokeAgentPairing: "DELETE /machines/:machineId/agent-pairings/:pairingId void",
};
