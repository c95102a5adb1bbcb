/**
 * Wire records the benchmark servers answer with: the contract's `Machine` shape, filled the
 * way a real record is (labels, capabilities, an identity proof), so parsing costs are real.
 *
 * @module
 */
import type { Machine } from "../src/types/machines.ts";

/** The machine numbered `n`. */
export function machine(n: number): Machine {
  const id = `m-${n.toString(36).padStart(8, "0")}`;
  return {
    id,
    displayName: `Rover ${n}`,
    status: "active",
    ownerId: "owner-bench",
    identityRef: `peaqos:machine:${id}`,
    identityProof: {
      method: "eip191",
      identityRef: `peaqos:machine:${id}`,
      signerAddress: "0x8ba1f109551bd432803012645ac136ddd64dba72",
      challengeId: `mic-${n}`,
      verifiedAt: "2026-11-28T10:00:00.000Z",
      challengeExpiresAt: "2026-11-28T10:05:00.000Z",
      controllerAddresses: ["0x8ba1f109551bd432803012645ac136ddd64dba72"],
      resolutionSource: "peaqos-mcr",
    },
    machineType: "rover",
    runtimeProfile: "edge-linux",
    capabilities: ["mapping", "delivery", "inspection"],
    labels: { region: "eu-central", fleet: "bench" },
    policyIds: ["pol-default"],
    skillKeys: ["mapping.lidar", "delivery.parcel"],
    createdAt: "2026-11-28T09:00:00.000Z",
    updatedAt: "2026-11-28T09:30:00.000Z",
  };
}
