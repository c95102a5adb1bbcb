/**
 * Sandbox machines and identity, end to end through the SDK over 127.0.0.1: EIP-191 identity
 * challenges with real signature recovery, every MACHINE_IDENTITY_* refusal, activation rules,
 * verified-only listing, re-verification on read, `ownerId`, immutability, archiving, and the
 * `machineIdentityVerification: "off"` switch.
 */
import { assert, assertEquals, assertExists, assertMatch, assertNotEquals } from "@std/assert";
import {
  createWallet,
  recoverPersonalSignAddress,
  signPersonalMessage,
} from "../../sandbox/mod.ts";
import {
  assertApiError,
  harness,
  identityProof,
  manualClock,
  pairAgent,
  verifiedMachine,
} from "../_sandbox_platform.ts";

Deno.test("createMachineIdentityChallenge() issues an EIP-191 challenge naming the DID's address as controller", async () => {
  await using h = await harness();
  const wallet = createWallet();
  const identityRef = `did:peaq:${wallet.address}`;
  const { item } = await h.api.createMachineIdentityChallenge({ identityRef });
  assertEquals(item.identityRef, identityRef);
  assertEquals(item.verificationMethod, "eip191");
  assertEquals(item.controllerAddresses, [wallet.address]);
  assert(item.message.includes(identityRef));
  assert(item.message.includes(item.challengeId));
  assert(Date.parse(item.expiresAt) > Date.now());
});

Deno.test("signPersonalMessage() signatures recover to the signer's address (real secp256k1 recovery)", () => {
  // Known vector: private key 1 is address 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf.
  const key = "0x" + "0".repeat(63) + "1";
  const signature = signPersonalMessage(key, "hello");
  assertEquals(
    recoverPersonalSignAddress("hello", signature),
    "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
  );
  assertNotEquals(
    recoverPersonalSignAddress("hello!", signature),
    "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
  );
  // v as 0/1 is accepted as well as 27/28.
  const v01 = signature.slice(0, -2) +
    (parseInt(signature.slice(-2), 16) - 27).toString(16).padStart(2, "0");
  assertEquals(
    recoverPersonalSignAddress("hello", v01),
    "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf",
  );
  assertEquals(recoverPersonalSignAddress("hello", "0x1234"), undefined);
});

Deno.test("createMachine() with a controller's proof records a verified, active machine", async () => {
  await using h = await harness();
  const { machine, wallet } = await verifiedMachine(h.api);
  assertEquals(machine.status, "active");
  assertEquals(machine.identityRef, `did:peaq:${wallet.address}`);
  assertExists(machine.identityProof);
  assertEquals(machine.identityProof.method, "eip191");
  assertEquals(machine.identityProof.signerAddress, wallet.address);
  assertEquals(machine.identityProof.controllerAddresses, [wallet.address]);
  assertEquals(machine.identityProof.resolutionSource, "peaqos-mcr");
  assertEquals(machine.identityProof.identityRef, machine.identityRef);
  assertEquals(machine.ownerId, "owner_sandbox");
  const { item } = await h.api.getMachine(machine.id);
  assertEquals(item, machine);
});

Deno.test("createMachine() refuses a signature by a key that is not the controller with MACHINE_IDENTITY_PROOF_INVALID", async () => {
  await using h = await harness();
  const owner = createWallet();
  const intruder = createWallet();
  const identityRef = `did:peaq:${owner.address}`;
  const proof = await identityProof(h.api, intruder, identityRef);
  await assertApiError(
    h.api.createMachine({
      displayName: "X",
      machineType: "rover",
      identityRef,
      identityProof: proof,
    }),
    "MACHINE_IDENTITY_PROOF_INVALID",
    403,
  );
  // A tampered signature (one flipped byte of s) is refused too, not accepted as "some signature".
  const good = await identityProof(h.api, owner, identityRef);
  const flipped = good.signature.slice(0, 70) +
    ((parseInt(good.signature.slice(70, 72), 16) ^ 1).toString(16).padStart(2, "0")) +
    good.signature.slice(72);
  await assertApiError(
    h.api.createMachine({
      displayName: "X",
      machineType: "rover",
      identityRef,
      identityProof: { challengeId: good.challengeId, signature: flipped },
    }),
    "MACHINE_IDENTITY_PROOF_INVALID",
    403,
  );
  const { items } = await h.api.listMachines();
  assertEquals(items.length, 0);
});

Deno.test("createMachine() refuses an identityRef without a proof with MACHINE_IDENTITY_PROOF_REQUIRED", async () => {
  await using h = await harness();
  await assertApiError(
    h.api.createMachine({
      displayName: "X",
      machineType: "rover",
      identityRef: `did:peaq:${createWallet().address}`,
    }),
    "MACHINE_IDENTITY_PROOF_REQUIRED",
    400,
  );
});

Deno.test("createMachine() refuses an expired challenge with MACHINE_IDENTITY_PROOF_EXPIRED", async () => {
  const clock = manualClock();
  await using h = await harness({ now: clock.now, challengeTtlSeconds: 60 });
  const wallet = createWallet();
  const identityRef = `did:peaq:${wallet.address}`;
  const proof = await identityProof(h.api, wallet, identityRef);
  clock.advance(61);
  await assertApiError(
    h.api.createMachine({
      displayName: "X",
      machineType: "rover",
      identityRef,
      identityProof: proof,
    }),
    "MACHINE_IDENTITY_PROOF_EXPIRED",
    403,
  );
});

Deno.test("createMachine() treats a challenge as single-use", async () => {
  await using h = await harness();
  const wallet = createWallet();
  const identityRef = `did:peaq:${wallet.address}`;
  const proof = await identityProof(h.api, wallet, identityRef);
  const { item } = await h.api.createMachine({
    displayName: "A",
    machineType: "rover",
    identityRef,
    identityProof: proof,
  });
  // Re-verifying the same machine with the spent proof is refused; a fresh proof is accepted.
  await assertApiError(
    h.api.updateMachine(item.id, { identityRef, identityProof: proof }),
    "MACHINE_IDENTITY_PROOF_INVALID",
    403,
  );
  const fresh = await identityProof(h.api, wallet, identityRef);
  const { item: reverified } = await h.api.updateMachine(item.id, { identityProof: fresh });
  assertEquals(reverified.identityProof?.challengeId, fresh.challengeId);
});

Deno.test("createMachine() refuses a challenge issued for another identity", async () => {
  await using h = await harness();
  const wallet = createWallet();
  const otherRef = `did:peaq:${createWallet().address}`;
  const { item } = await h.api.createMachineIdentityChallenge({ identityRef: otherRef });
  await assertApiError(
    h.api.createMachine({
      displayName: "X",
      machineType: "rover",
      identityRef: `did:peaq:${wallet.address}`,
      identityProof: { challengeId: item.challengeId, signature: wallet.signMessage(item.message) },
    }),
    "MACHINE_IDENTITY_PROOF_INVALID",
    403,
  );
});

Deno.test("createMachine() refuses an identity another machine holds with MACHINE_IDENTITY_EXISTS", async () => {
  await using h = await harness();
  const { wallet } = await verifiedMachine(h.api);
  // The same DID with a lowercased address is the same identity.
  const identityRef = `did:peaq:${wallet.address.toLowerCase()}`;
  await assertApiError(
    h.api.createMachine({
      displayName: "Twin",
      machineType: "rover",
      identityRef,
      identityProof: await identityProof(h.api, wallet, identityRef),
    }),
    "MACHINE_IDENTITY_EXISTS",
    409,
  );
});

Deno.test("createMachine() refuses status active without a verified identity with MACHINE_NOT_ACTIVATED", async () => {
  await using h = await harness();
  await assertApiError(
    h.api.createMachine({ displayName: "X", machineType: "rover", status: "active" }),
    "MACHINE_NOT_ACTIVATED",
    409,
  );
});

Deno.test("updateMachine() activates a draft machine only once its identity is verified", async () => {
  await using h = await harness();
  const { item: draft } = await h.api.createMachine({ displayName: "D", machineType: "drone" });
  assertEquals(draft.status, "draft");
  assertEquals(draft.identityRef, null);
  assertEquals(draft.identityProof, null);
  await assertApiError(
    h.api.updateMachine(draft.id, { status: "active" }),
    "MACHINE_NOT_ACTIVATED",
    409,
  );
  const wallet = createWallet();
  const identityRef = `did:peaq:${wallet.address}`;
  const { item } = await h.api.updateMachine(draft.id, {
    status: "active",
    identityRef,
    identityProof: await identityProof(h.api, wallet, identityRef),
  });
  assertEquals(item.status, "active");
  assertEquals(item.identityProof?.signerAddress, wallet.address);
});

Deno.test("updateMachine() refuses to change a set identityRef with MACHINE_IDENTITY_IMMUTABLE", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const other = createWallet();
  const identityRef = `did:peaq:${other.address}`;
  await assertApiError(
    h.api.updateMachine(machine.id, {
      identityRef,
      identityProof: await identityProof(h.api, other, identityRef),
    }),
    "MACHINE_IDENTITY_IMMUTABLE",
    409,
  );
  const { item } = await h.api.getMachine(machine.id);
  assertEquals(item.identityRef, machine.identityRef);
});

Deno.test("updateMachine() changes fields and keeps identity, id and createdAt", async () => {
  const clock = manualClock();
  await using h = await harness({ now: clock.now });
  const { machine } = await verifiedMachine(h.api);
  clock.advance(5);
  const { item } = await h.api.updateMachine(machine.id, {
    displayName: "Rover 8",
    labels: { site: "berlin" },
    capabilities: ["lidar"],
    status: "degraded",
  });
  assertEquals(item.displayName, "Rover 8");
  assertEquals(item.labels, { site: "berlin" });
  assertEquals(item.capabilities, ["lidar"]);
  assertEquals(item.status, "degraded");
  assertEquals(item.identityProof, machine.identityProof);
  assertEquals(item.createdAt, machine.createdAt);
  assertEquals(item.updatedAt, "2026-03-01T12:00:05.000Z");
});

Deno.test("peaqos:machine identities need the identities option, else PEAQOS_IDENTITY_UNAVAILABLE", async () => {
  const controller = createWallet();
  const identityRef = "peaqos:machine:42";
  {
    await using h = await harness();
    await assertApiError(
      h.api.createMachineIdentityChallenge({ identityRef }),
      "PEAQOS_IDENTITY_UNAVAILABLE",
      424,
    );
  }
  await using h = await harness({ identities: { [identityRef]: [controller.address] } });
  const { item } = await h.api.createMachine({
    displayName: "M42",
    machineType: "arm",
    status: "active",
    identityRef,
    identityProof: await identityProof(h.api, controller, identityRef),
  });
  assertEquals(item.identityProof?.controllerAddresses, [controller.address]);
});

Deno.test("the identities option overrides the controller of a did:peaq identity", async () => {
  const didWallet = createWallet();
  const controller = createWallet();
  const identityRef = `did:peaq:${didWallet.address}`;
  await using h = await harness({ identities: { [identityRef]: [controller.address] } });
  await assertApiError(
    h.api.createMachine({
      displayName: "X",
      machineType: "rover",
      identityRef,
      identityProof: await identityProof(h.api, didWallet, identityRef),
    }),
    "MACHINE_IDENTITY_PROOF_INVALID",
    403,
  );
  const { item } = await h.api.createMachine({
    displayName: "X",
    machineType: "rover",
    identityRef,
    identityProof: await identityProof(h.api, controller, identityRef),
  });
  assertEquals(item.identityProof?.signerAddress, controller.address);
});

Deno.test("listMachines() lists only identity-verified machines", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { item: draft } = await h.api.createMachine({ displayName: "D", machineType: "drone" });
  const { items, nextCursor } = await h.api.listMachines();
  assertEquals(items.map((m) => m.id), [machine.id]);
  assertEquals(nextCursor, undefined);
  // The unverified one still exists.
  assertEquals((await h.api.getMachine(draft.id)).item.status, "draft");
});

Deno.test("archiveMachine() keeps the record with status archived", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  await h.api.archiveMachine(machine.id);
  const { item } = await h.api.getMachine(machine.id);
  assertEquals(item.status, "archived");
  assertEquals(item.identityRef, machine.identityRef);
  await h.api.archiveMachine(machine.id); // idempotent
  await assertApiError(h.api.archiveMachine("m_missing"), "NOT_FOUND", 404);
});

Deno.test("getMachine() answers NOT_FOUND for an unknown id, even one that looks like a path", async () => {
  await using h = await harness();
  await assertApiError(h.api.getMachine("m_nope"), "NOT_FOUND", 404);
  const error = await assertApiError(h.api.getMachine("../machines"), "NOT_FOUND", 404);
  assertMatch(error.message, /Machine not found/);
});

Deno.test("createMachine() names the invalid fields in VALIDATION_ERROR details", async () => {
  await using h = await harness();
  const error = await assertApiError(
    h.api.createMachine({
      displayName: "X",
      machineType: "rover",
      identityRef: "did:web:example.com",
      identityProof: { challengeId: "c", signature: "0x00" },
      // deno-lint-ignore no-explicit-any
    } as any),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((error.details as { path: string }[]).map((d) => d.path), ["identityRef"]);
});

Deno.test("updateMachine() lets exactly one of several concurrent requests spend a proof", async () => {
  await using h = await harness();
  const wallet = createWallet();
  const identityRef = `did:peaq:${wallet.address}`;
  const drafts = await Promise.all(
    [1, 2, 3, 4, 5].map((i) => h.api.createMachine({ displayName: `D${i}`, machineType: "drone" })),
  );
  const proof = await identityProof(h.api, wallet, identityRef);
  const results = await Promise.allSettled(
    drafts.map(({ item }) => h.api.updateMachine(item.id, { identityRef, identityProof: proof })),
  );
  assertEquals(results.filter((r) => r.status === "fulfilled").length, 1);
  assertEquals((await h.api.listMachines()).items.length, 1);
});

Deno.test("createMachine() keeps the ownerId it is given and defaults it otherwise", async () => {
  await using h = await harness({ ownerId: "owner_default" });
  const { item: owned } = await h.api.createMachine({
    displayName: "Rover",
    machineType: "rover",
    ownerId: "owner_42",
  });
  assertEquals(owned.ownerId, "owner_42");
  const { item: defaulted } = await h.api.createMachine({ displayName: "D", machineType: "drone" });
  assertEquals(defaulted.ownerId, "owner_default");
  // ownerId is not a field of updates.
  await assertApiError(
    h.api.updateMachine(owned.id, { ownerId: "owner_x" } as never),
    "VALIDATION_ERROR",
    400,
  );
});

Deno.test("getMachine() re-verifies the stored proof: MACHINE_NOT_ACTIVATED once the identity stops resolving", async () => {
  await using h = await harness();
  const { machine, wallet } = await verifiedMachine(h.api);
  const identityRef = `did:peaq:${wallet.address}`;
  assertEquals((await h.api.getMachine(machine.id)).item.id, machine.id);

  h.sandbox.context.identities.remove(identityRef);
  await assertApiError(h.api.getMachine(machine.id), "MACHINE_NOT_ACTIVATED", 409);
  assertEquals((await h.api.listMachines()).items, []);
  // Agents cannot be paired with it either.
  await assertApiError(pairAgent(h.api, machine.id), "MACHINE_NOT_ACTIVATED", 409);

  // A controller rotated away from the signer no longer vouches for the machine either.
  const successor = createWallet();
  h.sandbox.context.identities.set(identityRef, [successor.address]);
  await assertApiError(h.api.getMachine(machine.id), "MACHINE_NOT_ACTIVATED", 409);
  // A fresh proof by the new controller verifies it again.
  const { item: reverified } = await h.api.updateMachine(machine.id, {
    identityProof: await identityProof(h.api, successor, identityRef),
  });
  assertEquals(reverified.identityProof?.signerAddress, successor.address);
  assertEquals(
    (await h.api.getMachine(machine.id)).item.identityProof?.signerAddress,
    successor.address,
  );
  assertEquals((await h.api.listMachines()).items.map((m) => m.id), [machine.id]);
});

Deno.test("with machineIdentityVerification off, machines are created, activated, listed and paired without proofs", async () => {
  await using h = await harness({ machineIdentityVerification: "off" });
  const { item: bare } = await h.api.createMachine({
    displayName: "Rover",
    machineType: "rover",
    status: "active",
  });
  assertEquals([bare.status, bare.identityRef, bare.identityProof], ["active", null, null]);
  const wallet = createWallet();
  const { item: named } = await h.api.createMachine({
    displayName: "Drone",
    machineType: "drone",
    identityRef: `did:peaq:${wallet.address}`,
  });
  assertEquals([named.identityRef, named.identityProof], [`did:peaq:${wallet.address}`, null]);
  const { item: activated } = await h.api.updateMachine(named.id, { status: "active" });
  assertEquals(activated.status, "active");
  assertEquals((await h.api.listMachines()).items.map((m) => m.id), [bare.id, named.id]);
  const { pairing } = await pairAgent(h.api, bare.id);
  assertEquals(pairing.status, "active");
  // Identities stay unique and immutable.
  await assertApiError(
    h.api.createMachine({
      displayName: "Twin",
      machineType: "drone",
      identityRef: `did:peaq:${wallet.address}`,
    }),
    "MACHINE_IDENTITY_EXISTS",
    409,
  );
  // A proof, when sent, is still checked.
  await assertApiError(
    h.api.createMachine({
      displayName: "Forged",
      machineType: "rover",
      identityRef: `did:peaq:${createWallet().address}`,
      identityProof: await identityProof(h.api, wallet),
    }),
    "MACHINE_IDENTITY_PROOF_INVALID",
    403,
  );
});
