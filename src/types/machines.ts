/**
 * Machines and machine identity challenges.
 *
 * @module
 */
import type { MachineIdentityProofInput } from "./common.ts";

/**
 * Lifecycle status of a machine.
 *
 * @example Usage
 * ```ts
 * import type { MachineStatus } from "@peaqos/peaq-os-sdk";
 *
 * const machineStatus: MachineStatus = "active";
 * ```
 */
export type MachineStatus =
  | "draft"
  | "active"
  | "degraded"
  | "blocked"
  | "archived";

/**
 * The verified EIP-191 identity proof recorded on a machine.
 *
 * @example Who verified a machine
 * ```ts
 * import type { MachineIdentityProof } from "@peaqos/peaq-os-sdk";
 *
 * function verifiedBy(proof: MachineIdentityProof): string {
 *   return `${proof.signerAddress} at ${proof.verifiedAt}`;
 * }
 * ```
 */
export type MachineIdentityProof = {
  readonly method: "eip191";
  readonly identityRef: string;
  readonly signerAddress: string;
  readonly challengeId: string;
  readonly verifiedAt: string;
  readonly challengeExpiresAt: string;
  readonly controllerAddresses: readonly string[];
  readonly resolutionSource: "peaqos-mcr";
};

/**
 * A machine record.
 *
 * @example From `getMachine`
 * ```ts
 * import { PeaqosClient } from "@peaqos/peaq-os-sdk";
 * declare const machineId: string;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: machine } = await client.orchestration.getMachine(machineId);
 * console.log(machine.displayName, machine.status);
 * ```
 */
export type Machine = {
  readonly id: string;
  readonly displayName: string;
  readonly status: MachineStatus;
  readonly ownerId: string;
  readonly identityRef?: string | null | undefined;
  readonly identityProof?: MachineIdentityProof | null | undefined;
  readonly machineType: string;
  readonly runtimeProfile: string;
  readonly capabilities: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly policyIds: readonly string[];
  readonly skillKeys: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
};

/**
 * Options of `listMachines`.
 *
 * @example Usage
 * ```ts
 * import type { ListMachinesOptions } from "@peaqos/peaq-os-sdk";
 *
 * const options: ListMachinesOptions = { limit: 50 };
 * ```
 */
export type ListMachinesOptions = {
  readonly cursor?: string | null | undefined;
  readonly limit?: number | undefined;
};

/**
 * Body of `createMachine`.
 *
 * @example Usage
 * ```ts
 * import type { CreateMachineRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: CreateMachineRequest = {
 *   displayName: "Rover 7",
 *   machineType: "rover",
 *   ownerId: "owner_42",
 *   capabilities: ["lidar", "gps"],
 *   labels: { site: "north-field" },
 * };
 * ```
 */
export type CreateMachineRequest = {
  readonly displayName: string;
  readonly machineType: string;
  readonly runtimeProfile?: string | undefined;
  /** The owner's id; the server defaults it (the sandbox's `ownerId` option). */
  readonly ownerId?: string | undefined;
  readonly status?: "draft" | "active" | undefined;
  readonly capabilities?: readonly string[] | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly policyIds?: readonly string[] | undefined;
  readonly skillKeys?: readonly string[] | undefined;
  /** `did:peaq:0x<address>` or `peaqos:machine:<id>`. Immutable once set. */
  readonly identityRef?: string | undefined;
  readonly identityProof?: MachineIdentityProofInput | undefined;
};

/**
 * Body of `updateMachine`; every field is optional.
 *
 * @example Usage
 * ```ts
 * import type { UpdateMachineRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: UpdateMachineRequest = { status: "degraded", labels: { site: "workshop" } };
 * ```
 */
export type UpdateMachineRequest = {
  readonly displayName?: string | undefined;
  readonly machineType?: string | undefined;
  readonly runtimeProfile?: string | undefined;
  readonly status?: MachineStatus | undefined;
  readonly capabilities?: readonly string[] | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly policyIds?: readonly string[] | undefined;
  readonly skillKeys?: readonly string[] | undefined;
  readonly identityRef?: string | undefined;
  readonly identityProof?: MachineIdentityProofInput | undefined;
};

/**
 * Body of `createMachineIdentityChallenge`.
 *
 * @example Usage
 * ```ts
 * import type { CreateMachineIdentityChallengeRequest } from "@peaqos/peaq-os-sdk";
 *
 * const body: CreateMachineIdentityChallengeRequest = {
 *   identityRef: "did:peaq:0x2c7536E3605D9C16a7a3D7b1898e529396a65c23",
 * };
 * ```
 */
export type CreateMachineIdentityChallengeRequest = {
  /** `did:peaq:0x<address>` or `peaqos:machine:<id>`. */
  readonly identityRef: string;
};

/**
 * A server-issued identity challenge; a controller signs `message` with EIP-191.
 *
 * @example From `createMachineIdentityChallenge`
 * ```ts
 * import { PeaqosClient, type MessageSigner } from "@peaqos/peaq-os-sdk";
 * declare const identityRef: string;
 * declare const signer: MessageSigner;
 *
 * const client = PeaqosClient.fromEnv();
 * const { item: challenge } = await client.orchestration.createMachineIdentityChallenge({ identityRef });
 * const signature = await signer.signMessage(challenge.message); // before challenge.expiresAt
 * ```
 */
export type MachineIdentityChallengeResponse = {
  readonly challengeId: string;
  readonly identityRef: string;
  readonly message: string;
  readonly expiresAt: string;
  readonly verificationMethod: "eip191";
  readonly controllerAddresses: readonly string[];
};
