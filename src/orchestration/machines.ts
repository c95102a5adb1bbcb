/**
 * Machines and their identity challenges, as methods of `client.orchestration`.
 *
 * @module
 */
import type { RequestOptions } from "../transport.ts";
import type { ItemResponse, ListResponse } from "../types/common.ts";
import type {
  CreateMachineIdentityChallengeRequest,
  CreateMachineRequest,
  ListMachinesOptions,
  Machine,
  MachineIdentityChallengeResponse,
  UpdateMachineRequest,
} from "../types/machines.ts";
import type { Routes } from "./routes.ts";

/**
 * Machines (`/machines`) and identity challenges (`/machine-identity/challenges`), as methods
 * of {@linkcode OrchestrationClient}.
 *
 * @example Register a machine and read it back
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 *
 * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
 * const { item } = await client.orchestration.createMachine({ displayName: "Rover 7", machineType: "rover" });
 * const { item: machine } = await client.orchestration.getMachine(item.id);
 * console.log(machine.status);
 * ```
 */
export interface MachinesApi {
  /**
   * Lists identity-verified machines, one page at a time (`GET /machines`); pass
   * `nextCursor` back as `cursor` for the next page, or use {@linkcode listMachinesAll}.
   *
   * @example Read two pages
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const first = await client.orchestration.listMachines({ limit: 50 });
   * if (first.nextCursor) {
   *   const second = await client.orchestration.listMachines({ limit: 50, cursor: first.nextCursor });
   *   console.log(first.items.length + second.items.length);
   * }
   * ```
   */
  listMachines(
    options?: ListMachinesOptions,
    requestOptions?: RequestOptions,
  ): Promise<ListResponse<Machine>>;

  /**
   * Iterates every machine across pages, fetching the next page only when the loop asks for
   * it; `break` stops fetching.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * for await (const machine of client.orchestration.listMachinesAll({ limit: 200 })) {
   *   if (machine.status === "blocked") break;
   * }
   * ```
   */
  listMachinesAll(
    options?: Omit<ListMachinesOptions, "cursor">,
    requestOptions?: RequestOptions,
  ): AsyncGenerator<Machine, void, undefined>;

  /**
   * Creates a machine (`POST /machines`); pass `identityRef` and `identityProof` to verify it
   * (see {@linkcode createMachineIdentityChallenge}).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item } = await client.orchestration.createMachine({
   *   displayName: "Rover 7",
   *   machineType: "rover",
   *   capabilities: ["mapping"],
   * });
   * ```
   */
  createMachine(
    params: CreateMachineRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Machine>>;

  /**
   * Gets one machine (`GET /machines/:machineId`).
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const { item: machine } = await client.orchestration.getMachine("m-1");
   * ```
   */
  getMachine(machineId: string, requestOptions?: RequestOptions): Promise<ItemResponse<Machine>>;

  /**
   * Updates a machine (`PATCH /machines/:machineId`); `identityRef` cannot change once set.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.updateMachine("m-1", { status: "active", labels: { site: "north" } });
   * ```
   */
  updateMachine(
    machineId: string,
    params: UpdateMachineRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<Machine>>;

  /**
   * Archives a machine (`DELETE /machines/:machineId`); the record is kept with status
   * `archived`.
   *
   * @example
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * await client.orchestration.archiveMachine("m-1");
   * ```
   */
  archiveMachine(machineId: string, requestOptions?: RequestOptions): Promise<void>;

  /**
   * Requests an identity challenge for a `did:peaq:0x…` or `peaqos:machine:<id>` reference
   * (`POST /machine-identity/challenges`). A controller signs `item.message` with EIP-191 and
   * submits `{ challengeId, signature }` as `identityProof`; `registerMachine` does all of it.
   *
   * @example Verify a machine by hand
   * ```ts
   * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
   *
   * declare const wallet: { address: string; signMessage(message: string): Promise<string> };
   * const client = new PeaqosClient({ orchestrationUrl: "https://orchestration.peaq.xyz" });
   * const identityRef = `did:peaq:${wallet.address}`;
   * const { item: challenge } = await client.orchestration.createMachineIdentityChallenge({ identityRef });
   * const signature = await wallet.signMessage(challenge.message);
   * await client.orchestration.createMachine({
   *   displayName: "Rover 7",
   *   machineType: "rover",
   *   identityRef,
   *   identityProof: { challengeId: challenge.challengeId, signature },
   * });
   * ```
   */
  createMachineIdentityChallenge(
    params: CreateMachineIdentityChallengeRequest,
    requestOptions?: RequestOptions,
  ): Promise<ItemResponse<MachineIdentityChallengeResponse>>;
}

/** The routes of {@linkcode MachinesApi}. @internal */
export const MACHINE_ROUTES: Routes<MachinesApi> = {
  listMachines: "GET /machines list query",
  createMachine: "POST /machines item body need:displayName,machineType",
  getMachine: "GET /machines/:machineId item",
  updateMachine: "PATCH /machines/:machineId item body",
  archiveMachine: "DELETE /machines/:machineId void",
  createMachineIdentityChallenge: "POST /machine-identity/challenges item body need:identityRef",
};
