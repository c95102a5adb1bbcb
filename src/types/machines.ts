/**
 * Machines and machine identity challenges.
 *
 * @module
 */
import type { MachineIdentityProofInput } from "./common.ts";

/** Lifecycle status of a machine. */
export type MachineStatus = "draft" | "active" | "degraded" | "blocked" | "archived";

/** The verified EIP-191 identity proof recorded on a machine. */
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

/** A machine record. */
export type Machine = {
  readonly id: string;
  readonly displayName: string;
  readonly status: MachineStatus;
  readonly ownerId: string;
  readonly identityRef?: string | null;
  readonly identityProof?: MachineIdentityProof | null;
  readonly machineType: string;
  readonly runtimeProfile: string;
  readonly capabilities: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  readonly policyIds: readonly string[];
  readonly skillKeys: readonly string[];
  readonly createdAt: string;
  readonly updatedAt: string;
};

/** Options of `listMachines`. */
export type ListMachinesOptions = {
  readonly cursor?: string;
  readonly limit?: number;
};

/** Body of `createMachine`. */
export type CreateMachineRequest = {
  readonly displayName: string;
  readonly machineType: string;
  readonly runtimeProfile?: string;
  readonly status?: "draft" | "active";
  readonly capabilities?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly policyIds?: readonly string[];
  readonly skillKeys?: readonly string[];
  /** `did:peaq:0x<address>` or `peaqos:machine:<id>`. Immutable once set. */
  readonly identityRef?: string;
  readonly identityProof?: MachineIdentityProofInput;
};

/** Body of `updateMachine`; every field is optional. */
export type UpdateMachineRequest = {
  readonly displayName?: string;
  readonly machineType?: string;
  readonly runtimeProfile?: string;
  readonly status?: MachineStatus;
  readonly capabilities?: readonly string[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly policyIds?: readonly string[];
  readonly skillKeys?: readonly string[];
  readonly identityRef?: string;
  readonly identityProof?: MachineIdentityProofInput;
};

/** Body of `createMachineIdentityChallenge`. */
export type CreateMachineIdentityChallengeRequest = {
  /** `did:peaq:0x<address>` or `peaqos:machine:<id>`. */
  readonly identityRef: string;
};

/** A server-issued identity challenge; a controller signs `message` with EIP-191. */
export type MachineIdentityChallengeResponse = {
  readonly challengeId: string;
  readonly identityRef: string;
  readonly message: string;
  readonly expiresAt: string;
  readonly verificationMethod: "eip191";
  readonly controllerAddresses: readonly string[];
};
