/**
 * Sandbox agent pairings, end to end through the SDK over 127.0.0.1: challenges keyed to the
 * agent, proofs recovered to `agentAddress`, HS256 session tokens (claims, expiry, rotation,
 * policy changes), pause/revoke, and the agent auth every agent route shares (probed with
 * `searchMarket`, an agent route).
 */
import { assert, assertEquals, assertExists, assertFalse, assertNotEquals } from "@std/assert";
import { type OrchestrationClient, PeaqosClient } from "../../mod.ts";
import { createWallet } from "../../sandbox/mod.ts";
import {
  agentFields,
  assertApiError,
  harness,
  jwtClaims,
  manualClock,
  pairAgent,
  pairingProof,
  rawRequest,
  verifiedMachine,
} from "../_sandbox_platform.ts";

/** An agent call: search the market as the pairing. */
function probe(api: OrchestrationClient, machineId: string, pairingId: string, token: string) {
  return api.searchMarket({ machineId, agentPairingId: pairingId, query: "map" }, token);
}

Deno.test("createAgentPairing() verifies the proof and returns an HS256 token with the contract's claims once", async () => {
  const clock = manualClock();
  await using h = await harness({ now: clock.now, pairingSessionTtlSeconds: 600 });
  const { machine } = await verifiedMachine(h.api);
  const agent = createWallet();
  const agentDid = `did:pkh:eip155:3338:${agent.address}`;
  const { item: challenge } = await h.api.createAgentPairingChallenge(machine.id, {
    ...agentFields(agent),
    agentDid,
  });
  assertEquals(challenge.agentAddress, agent.address);
  assertEquals(challenge.verificationMethod, "eip191");
  assert(challenge.message.includes(agent.address));
  const { item: pairing } = await h.api.createAgentPairing(machine.id, {
    ...agentFields(agent),
    agentDid,
    description: "buys maps",
    delegationPolicy: { allowedSkillKeys: ["mapping"], perTransactionLimit: 5 },
    agentProof: {
      challengeId: challenge.challengeId,
      signature: agent.signMessage(challenge.message),
    },
  });
  assertEquals(pairing.status, "active");
  assertEquals(pairing.agentDid, agentDid);
  assertEquals(pairing.verification?.signerAddress, agent.address);
  assertEquals(pairing.verification?.challengeExpiresAt, challenge.expiresAt);
  assertEquals(pairing.delegationPolicy, {
    allowedSkillKeys: ["mapping"],
    deniedSkillKeys: [],
    allowedServiceIds: [],
    deniedServiceIds: [],
    perTransactionLimit: 5,
    dailySpendLimit: null,
    currency: "USDT",
  });
  assertEquals(pairing.sessionExpiresAt, "2026-03-01T12:10:00.000Z");

  const [header] = pairing.pairingToken.split(".");
  assertEquals(JSON.parse(atob(header!)), { alg: "HS256", typ: "JWT" });
  const claims = jwtClaims(pairing.pairingToken);
  assertEquals(claims.machineId, machine.id);
  assertEquals(claims.pairingId, pairing.id);
  assertEquals(claims.sessionId, pairing.sessionId);
  assertEquals(claims.agentAddress, agent.address);
  assertEquals(claims.agentDid, agentDid);
  assertEquals(typeof claims.delegationPolicyHash, "string");
  assertEquals(claims.exp, Date.parse("2026-03-01T12:10:00.000Z") / 1000);

  // Never again: list has no token, and the store keeps none.
  const { items } = await h.api.listAgentPairings(machine.id);
  assertEquals(items.length, 1);
  assertFalse("pairingToken" in items[0]!);
  assertFalse(JSON.stringify(items).includes(pairing.pairingToken));
  assertFalse(
    JSON.stringify([...h.sandbox.context.store.pairings.values()]).includes(pairing.pairingToken),
  );

  const search = await probe(h.api, machine.id, pairing.id, pairing.pairingToken);
  assertEquals(search.item.agentPairingId, pairing.id);
});

Deno.test("createAgentPairing() refuses a proof signed by another key with AGENT_PAIRING_PROOF_INVALID", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const agent = createWallet();
  const { item: challenge } = await h.api.createAgentPairingChallenge(
    machine.id,
    agentFields(agent),
  );
  await assertApiError(
    h.api.createAgentPairing(machine.id, {
      ...agentFields(agent),
      agentProof: {
        challengeId: challenge.challengeId,
        signature: createWallet().signMessage(challenge.message),
      },
    }),
    "AGENT_PAIRING_PROOF_INVALID",
    403,
  );
  // The challenge is keyed to the role it was issued for.
  await assertApiError(
    h.api.createAgentPairing(machine.id, {
      ...agentFields(agent),
      agentRole: "seller",
      agentProof: {
        challengeId: challenge.challengeId,
        signature: agent.signMessage(challenge.message),
      },
    }),
    "AGENT_PAIRING_PROOF_INVALID",
    403,
  );
  assertEquals((await h.api.listAgentPairings(machine.id)).items, []);
});

Deno.test("createAgentPairing() requires a proof (AGENT_PAIRING_PROOF_REQUIRED) and a live challenge (AGENT_PAIRING_PROOF_EXPIRED)", async () => {
  const clock = manualClock();
  await using h = await harness({ now: clock.now, challengeTtlSeconds: 30 });
  const { machine } = await verifiedMachine(h.api);
  const agent = createWallet();
  // Raw fetch: the SDK refuses a missing proof locally before sending it.
  const res = await rawRequest(h.sandbox, `/api/v1/machines/${machine.id}/agent-pairings`, {
    method: "POST",
    headers: { "x-api-key": h.sandbox.apiKey, "content-type": "application/json" },
    body: JSON.stringify(agentFields(agent)),
  });
  assertEquals(res.status, 400);
  assertEquals(
    (res.body as { error: { code: string } }).error.code,
    "AGENT_PAIRING_PROOF_REQUIRED",
  );
  const proof = await pairingProof(h.api, machine.id, agent);
  clock.advance(31);
  await assertApiError(
    h.api.createAgentPairing(machine.id, { ...agentFields(agent), agentProof: proof }),
    "AGENT_PAIRING_PROOF_EXPIRED",
    403,
  );
});

Deno.test("createAgentPairing() consumes the challenge: a replayed proof is AGENT_PAIRING_PROOF_INVALID", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const agent = createWallet();
  const proof = await pairingProof(h.api, machine.id, agent);
  await h.api.createAgentPairing(machine.id, { ...agentFields(agent), agentProof: proof });
  await assertApiError(
    h.api.createAgentPairing(machine.id, { ...agentFields(agent), agentProof: proof }),
    "AGENT_PAIRING_PROOF_INVALID",
    403,
  );
});

Deno.test("createAgentPairingChallenge() refuses an agentDid for another address with VALIDATION_ERROR", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const agent = createWallet();
  const error = await assertApiError(
    h.api.createAgentPairingChallenge(machine.id, {
      ...agentFields(agent),
      agentDid: `did:pkh:eip155:1:${createWallet().address}`,
    }),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals((error.details as { path: string }[])[0]?.path, "agentDid");
});

Deno.test("createAgentPairing() needs a verified, active machine (MACHINE_IDENTITY_PROOF_REQUIRED, MACHINE_NOT_ACTIVE)", async () => {
  await using h = await harness();
  const agent = createWallet();
  const { item: draft } = await h.api.createMachine({ displayName: "D", machineType: "drone" });
  await assertApiError(
    h.api.createAgentPairingChallenge(draft.id, agentFields(agent)),
    "MACHINE_IDENTITY_PROOF_REQUIRED",
    400,
  );
  const { machine } = await verifiedMachine(h.api);
  const proof = await pairingProof(h.api, machine.id, agent);
  await h.api.updateMachine(machine.id, { status: "blocked" });
  await assertApiError(
    h.api.createAgentPairing(machine.id, { ...agentFields(agent), agentProof: proof }),
    "MACHINE_NOT_ACTIVE",
    409,
  );
  await assertApiError(
    h.api.createAgentPairingChallenge("m_missing", agentFields(agent)),
    "NOT_FOUND",
    404,
  );
});

Deno.test("agent routes answer AGENT_AUTH_REQUIRED without a token and AGENT_AUTH_INVALID for a forged one", async () => {
  await using h = await harness({ jwtSecret: "sandbox-secret" });
  const { machine } = await verifiedMachine(h.api);
  const { pairing } = await pairAgent(h.api, machine.id);
  const res = await rawRequest(h.sandbox, "/api/v1/market/search", {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": h.sandbox.apiKey },
    body: JSON.stringify({ machineId: machine.id, agentPairingId: pairing.id }),
  });
  assertEquals(res.status, 401);
  assertEquals((res.body as { error: { code: string } }).error.code, "AGENT_AUTH_REQUIRED");

  // Same claims, re-signed with another secret: the signature check refuses it.
  const [header, payload] = pairing.pairingToken.split(".");
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode("guessed-secret"),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${header}.${payload}`)),
  );
  const forgedMac = btoa(String.fromCharCode(...mac)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
  const forged = `${header}.${payload}.${forgedMac}`;
  await assertApiError(
    probe(h.api, machine.id, pairing.id, forged),
    "AGENT_AUTH_INVALID",
    401,
  );
  // Tampered claims under the original MAC, and garbage.
  const tampered = `${header}.${
    btoa(JSON.stringify({ ...jwtClaims(pairing.pairingToken), pairingId: "ap_x" })).replace(
      /=+$/,
      "",
    )
  }.${pairing.pairingToken.split(".")[2]}`;
  await assertApiError(probe(h.api, machine.id, pairing.id, tampered), "AGENT_AUTH_INVALID", 401);
  await assertApiError(
    probe(h.api, machine.id, pairing.id, "not.a.jwt"),
    "AGENT_AUTH_INVALID",
    401,
  );
  // A platform API key is not an agent credential.
  await assertApiError(
    probe(h.api, machine.id, pairing.id, h.sandbox.apiKey),
    "AGENT_AUTH_INVALID",
    401,
  );
});

Deno.test("a pairing token past its exp is AGENT_AUTH_EXPIRED; a new session with a fresh proof works", async () => {
  const clock = manualClock();
  await using h = await harness({ now: clock.now, pairingSessionTtlSeconds: 120 });
  const { machine } = await verifiedMachine(h.api);
  const { pairing, agent } = await pairAgent(h.api, machine.id);
  await probe(h.api, machine.id, pairing.id, pairing.pairingToken);
  clock.advance(121);
  await assertApiError(
    probe(h.api, machine.id, pairing.id, pairing.pairingToken),
    "AGENT_AUTH_EXPIRED",
    401,
  );
  const { item: session } = await h.api.createAgentPairingSession(machine.id, pairing.id, {
    agentProof: await pairingProof(h.api, machine.id, agent),
  });
  assertNotEquals(session.sessionId, pairing.sessionId);
  assertEquals(session.sessionIssuedAt, "2026-03-01T12:02:01.000Z");
  const search = await probe(h.api, machine.id, pairing.id, session.pairingToken);
  assertEquals(search.item.agentPairingId, pairing.id);
});

Deno.test("createAgentPairingSession() rotates the session: the old token becomes AGENT_AUTH_INVALID", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { pairing, agent } = await pairAgent(h.api, machine.id);
  const { item: session } = await h.api.createAgentPairingSession(machine.id, pairing.id, {
    agentProof: await pairingProof(h.api, machine.id, agent),
  });
  assertNotEquals(session.pairingToken, pairing.pairingToken);
  await assertApiError(
    probe(h.api, machine.id, pairing.id, pairing.pairingToken),
    "AGENT_AUTH_INVALID",
    401,
  );
  await probe(h.api, machine.id, pairing.id, session.pairingToken);
  // Rotation needs a proof by the paired agent's own key.
  const { item: challenge } = await h.api.createAgentPairingChallenge(
    machine.id,
    agentFields(agent),
  );
  await assertApiError(
    h.api.createAgentPairingSession(machine.id, pairing.id, {
      agentProof: {
        challengeId: challenge.challengeId,
        signature: createWallet().signMessage(challenge.message),
      },
    }),
    "AGENT_PAIRING_PROOF_INVALID",
    403,
  );
  // A proof for a different agent cannot rotate this pairing.
  const other = createWallet();
  await assertApiError(
    h.api.createAgentPairingSession(machine.id, pairing.id, {
      agentProof: await pairingProof(h.api, machine.id, other),
    }),
    "AGENT_PAIRING_PROOF_INVALID",
    403,
  );
});

Deno.test("updateAgentPairing() with a new policy supersedes older tokens (AGENT_AUTH_INVALID) until a new session", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { pairing, agent } = await pairAgent(h.api, machine.id);
  // A description-only change keeps the token valid.
  const { item: described } = await h.api.updateAgentPairing(machine.id, pairing.id, {
    description: "night shift",
  });
  assertEquals(described.description, "night shift");
  await probe(h.api, machine.id, pairing.id, pairing.pairingToken);

  const { item: updated } = await h.api.updateAgentPairing(machine.id, pairing.id, {
    delegationPolicy: { deniedServiceIds: ["svc_x"], dailySpendLimit: 20 },
  });
  assertEquals(updated.delegationPolicy.deniedServiceIds, ["svc_x"]);
  assertEquals(updated.delegationPolicy.dailySpendLimit, 20);
  assertFalse("pairingToken" in updated);
  await assertApiError(
    probe(h.api, machine.id, pairing.id, pairing.pairingToken),
    "AGENT_AUTH_INVALID",
    401,
  );
  const { item: session } = await h.api.createAgentPairingSession(machine.id, pairing.id, {
    agentProof: await pairingProof(h.api, machine.id, agent),
  });
  assertNotEquals(
    jwtClaims(session.pairingToken).delegationPolicyHash,
    jwtClaims(pairing.pairingToken).delegationPolicyHash,
  );
  await probe(h.api, machine.id, pairing.id, session.pairingToken);
});

Deno.test("paused and revoked pairings are refused on agent routes with AGENT_PAIRING_INACTIVE", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { pairing, agent } = await pairAgent(h.api, machine.id);
  const { item: paused } = await h.api.updateAgentPairing(machine.id, pairing.id, {
    status: "paused",
  });
  assertEquals(paused.status, "paused");
  await assertApiError(
    probe(h.api, machine.id, pairing.id, pairing.pairingToken),
    "AGENT_PAIRING_INACTIVE",
    403,
  );
  await h.api.updateAgentPairing(machine.id, pairing.id, { status: "active" });
  await probe(h.api, machine.id, pairing.id, pairing.pairingToken);

  await h.api.revokeAgentPairing(machine.id, pairing.id);
  await assertApiError(
    probe(h.api, machine.id, pairing.id, pairing.pairingToken),
    "AGENT_PAIRING_INACTIVE",
    403,
  );
  // Revocation is final.
  await assertApiError(
    h.api.updateAgentPairing(machine.id, pairing.id, { status: "active" }),
    "AGENT_PAIRING_INACTIVE",
    403,
  );
  await assertApiError(
    h.api.createAgentPairingSession(machine.id, pairing.id, {
      agentProof: await pairingProof(h.api, machine.id, agent),
    }),
    "AGENT_PAIRING_INACTIVE",
    403,
  );
  const { items } = await h.api.listAgentPairings(machine.id, { status: "revoked" });
  assertEquals(items.map((p) => p.id), [pairing.id]);
  assertEquals((await h.api.listAgentPairings(machine.id, { status: "active" })).items, []);
  await assertApiError(h.api.revokeAgentPairing(machine.id, "ap_missing"), "NOT_FOUND", 404);
});

Deno.test("a token of one pairing cannot act for another pairing (AGENT_PAIRING_REQUIRED)", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const first = await pairAgent(h.api, machine.id);
  const second = await pairAgent(h.api, machine.id);
  const error = await assertApiError(
    probe(h.api, machine.id, second.pairing.id, first.pairing.pairingToken),
    "AGENT_PAIRING_REQUIRED",
    403,
  );
  assertExists(error.message);
  const { items, nextCursor } = await h.api.listAgentPairings(machine.id, { limit: 1 });
  assertEquals(items.map((p) => p.id), [first.pairing.id]);
  assertExists(nextCursor);
  const page2 = await h.api.listAgentPairings(machine.id, { limit: 1, cursor: nextCursor });
  assertEquals(page2.items.map((p) => p.id), [second.pairing.id]);
  assertEquals(page2.nextCursor, undefined);
});

Deno.test("createAgentPairing() accepts one proof once even under concurrent requests", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const agent = createWallet();
  const proof = await pairingProof(h.api, machine.id, agent);
  const results = await Promise.allSettled(
    Array.from(
      { length: 8 },
      () => h.api.createAgentPairing(machine.id, { ...agentFields(agent), agentProof: proof }),
    ),
  );
  assertEquals(results.filter((r) => r.status === "fulfilled").length, 1);
  for (const result of results) {
    if (result.status === "rejected") {
      assertEquals((result.reason as { code: string }).code, "AGENT_PAIRING_PROOF_INVALID");
    }
  }
  assertEquals((await h.api.listAgentPairings(machine.id)).items.length, 1);
});

Deno.test("spent and long-expired challenges are pruned when new ones are issued", async () => {
  const clock = manualClock();
  await using h = await harness({ now: clock.now, challengeTtlSeconds: 60 });
  const { machine } = await verifiedMachine(h.api);
  const agent = createWallet();
  const stale = await pairingProof(h.api, machine.id, agent);
  clock.advance(60 + 3600 + 1);
  await pairingProof(h.api, machine.id, agent);
  const store = h.sandbox.context.store;
  assertFalse(store.pairingChallenges.has(stale.challengeId));
  assertEquals(store.pairingChallenges.size, 1);
  assertEquals(store.identityChallenges.size, 0); // the machine's spent challenge went too
});

Deno.test("agent routes accept the pairing token alone, without an API key", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { pairing } = await pairAgent(h.api, machine.id);
  const agentOnly = new PeaqosClient({ orchestrationUrl: h.sandbox.url }).orchestration;
  const { item } = await probe(agentOnly, machine.id, pairing.id, pairing.pairingToken);
  assertEquals(item.machineId, machine.id);
  // ...while platform routes still need the key.
  const res = await rawRequest(h.sandbox, `/api/v1/machines/${machine.id}/agent-pairings`, {
    headers: { "x-agent-pairing-token": pairing.pairingToken },
  });
  assertEquals(res.status, 401);
  assertEquals((res.body as { error: { code: string } }).error.code, "AUTH_REQUIRED");
});

Deno.test("pairing views carry hasAuthToken, tokenLastFour and sessionTokenId, and nulls once the session ends", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { pairing } = await pairAgent(h.api, machine.id);
  const token = pairing.pairingToken;
  assertEquals(pairing.hasAuthToken, true);
  assertEquals(pairing.tokenLastFour, token.slice(-4));
  assertEquals(pairing.sessionTokenId, jwtClaims(token).jti);
  assertEquals(pairing.sessionId, jwtClaims(token).sessionId);
  const { items: [listed] } = await h.api.listAgentPairings(machine.id);
  assertEquals(
    [listed?.hasAuthToken, listed?.tokenLastFour, listed?.sessionTokenId],
    [true, token.slice(-4), pairing.sessionTokenId],
  );

  // A policy change ends the session: no live token, every session field null.
  const { item: changed } = await h.api.updateAgentPairing(machine.id, pairing.id, {
    delegationPolicy: { perTransactionLimit: 3 },
  });
  const ended = {
    hasAuthToken: false,
    tokenLastFour: null,
    sessionTokenId: null,
    sessionId: null,
    sessionIssuedAt: null,
    sessionExpiresAt: null,
  };
  const sessionOf = (p: typeof changed) => ({
    hasAuthToken: p.hasAuthToken,
    tokenLastFour: p.tokenLastFour,
    sessionTokenId: p.sessionTokenId,
    sessionId: p.sessionId,
    sessionIssuedAt: p.sessionIssuedAt,
    sessionExpiresAt: p.sessionExpiresAt,
  });
  assertEquals(sessionOf(changed), ended);
  // Revocation too.
  const second = await pairAgent(h.api, machine.id);
  await h.api.revokeAgentPairing(machine.id, second.pairing.id);
  const { items } = await h.api.listAgentPairings(machine.id, { status: "revoked" });
  assertEquals(items.map(sessionOf), [ended]);
});

Deno.test("createAgentPairing() derives agentDid as did:pkh:eip155:1:<address> and checks a given one", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { pairing, agent } = await pairAgent(h.api, machine.id);
  assertEquals(pairing.agentDid, `did:pkh:eip155:1:${agent.address}`);
  assertEquals(jwtClaims(pairing.pairingToken).agentDid, pairing.agentDid);

  // The same address in lowercase is the same agent.
  const other = createWallet();
  const lowerDid = `did:pkh:eip155:8453:${other.address.toLowerCase()}`;
  const { item: challenge } = await h.api.createAgentPairingChallenge(machine.id, {
    ...agentFields(other),
    agentDid: lowerDid,
  });
  const { item: given } = await h.api.createAgentPairing(machine.id, {
    ...agentFields(other),
    agentDid: lowerDid,
    agentProof: {
      challengeId: challenge.challengeId,
      signature: other.signMessage(challenge.message),
    },
  });
  assertEquals(given.agentDid, lowerDid);

  // Another address, or a mixed-case address with a broken checksum, is refused.
  const checksummed = "0x52908400098527886E0F7030069857D2E4169EE7"; // an EIP-55 example
  const badChecksum = "0x52908400098527886e0F7030069857D2E4169EE7";
  for (
    const [agentAddress, agentDid] of [
      [other.address, `did:pkh:eip155:1:${createWallet().address}`],
      [checksummed, `did:pkh:eip155:1:${badChecksum}`],
    ]
  ) {
    const error = await assertApiError(
      h.api.createAgentPairingChallenge(machine.id, {
        agentAddress: agentAddress!,
        agentProvider: "anthropic",
        agentRole: "buyer",
        agentDid: agentDid!,
      }),
      "VALIDATION_ERROR",
      400,
    );
    assertEquals((error.details as { path: string }[]).map((d) => d.path), ["agentDid"]);
  }
});

Deno.test("pairing routes answer AGENT_PAIRING_UNAVAILABLE when agent pairing is switched off", async () => {
  await using h = await harness({ agentPairingEnabled: false });
  const { machine } = await verifiedMachine(h.api);
  const agent = createWallet();
  await assertApiError(
    h.api.createAgentPairingChallenge(machine.id, agentFields(agent)),
    "AGENT_PAIRING_UNAVAILABLE",
    503,
  );
  await assertApiError(
    h.api.createAgentPairing(machine.id, {
      ...agentFields(agent),
      agentProof: { challengeId: "apc_x", signature: "0x00" },
    }),
    "AGENT_PAIRING_UNAVAILABLE",
    503,
  );
  assertEquals((await h.api.listAgentPairings(machine.id)).items, []);
});

Deno.test("delegation policies refuse the revision-1 names and decimal strings with VALIDATION_ERROR naming the field", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { pairing } = await pairAgent(h.api, machine.id);
  const oldName = await assertApiError(
    h.api.updateAgentPairing(machine.id, pairing.id, {
      delegationPolicy: { dailyLimit: 20 } as never,
    }),
    "VALIDATION_ERROR",
    400,
  );
  const [issue] = oldName.details as { path: string; message: string }[];
  assertEquals(issue?.path, "delegationPolicy.dailyLimit");
  assert(issue?.message.includes("dailySpendLimit"), issue?.message);
  const decimal = await assertApiError(
    h.api.updateAgentPairing(machine.id, pairing.id, {
      delegationPolicy: { perTransactionLimit: "5.00" } as never,
    }),
    "VALIDATION_ERROR",
    400,
  );
  assertEquals(
    (decimal.details as { path: string }[]).map((d) => d.path),
    ["delegationPolicy.perTransactionLimit"],
  );
  // Nothing changed: the token still works.
  await probe(h.api, machine.id, pairing.id, pairing.pairingToken);
});

Deno.test("a pairing token whose MAC is re-spelled in the unused low bits is AGENT_AUTH_INVALID", async () => {
  await using h = await harness();
  const { machine } = await verifiedMachine(h.api);
  const { pairing } = await pairAgent(h.api, machine.id);
  const token = pairing.pairingToken;
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const last = alphabet.indexOf(token.at(-1)!);
  // A 32-byte MAC is 43 characters: the last one carries 4 bits and 2 unused (zero) ones.
  assertEquals(token.split(".")[2]!.length, 43);
  assertEquals(last & 3, 0);
  for (const flip of [1, 2, 3]) {
    const respelled = token.slice(0, -1) + alphabet[last ^ flip];
    // The same bytes: a lenient decoder would accept it.
    const decode = (mac: string) => atob(mac.replaceAll("-", "+").replaceAll("_", "/"));
    assertEquals(decode(respelled.split(".")[2]!), decode(token.split(".")[2]!));
    await assertApiError(
      probe(h.api, machine.id, pairing.id, respelled),
      "AGENT_AUTH_INVALID",
      401,
    );
  }
  await probe(h.api, machine.id, pairing.id, token);
});

Deno.test("with requireAgentPairingAuth off, search and orders act for the pairing the request names", async () => {
  await using h = await harness({ requireAgentPairingAuth: false });
  const { machine } = await verifiedMachine(h.api);
  const { pairing } = await pairAgent(h.api, machine.id);
  const post = (path: string, body?: unknown) =>
    rawRequest(h.sandbox, `/api/v1${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const ids = { machineId: machine.id, agentPairingId: pairing.id };
  const search = await post("/market/search", { ...ids, operation: "echo" });
  assertEquals(search.status, 200, JSON.stringify(search.body));
  const { item: found } = search.body as {
    item: { id: string; agentPairingId: string; quotes: { id: string; serviceId: string }[] };
  };
  assertEquals(found.agentPairingId, pairing.id);
  const quote = found.quotes[0]!;
  const created = await post("/market/orders", {
    ...ids,
    serviceId: quote.serviceId,
    searchId: found.id,
    quoteId: quote.id,
    input: { message: "hi" },
  });
  assertEquals(created.status, 201, JSON.stringify(created.body));
  const orderId = (created.body as { item: { id: string } }).item.id;
  // Order actions act for the pairing the order was placed through.
  const executed = await post(`/market/orders/${orderId}/execute`);
  assertEquals(executed.status, 200, JSON.stringify(executed.body));
  assertEquals((executed.body as { order: { status: string } }).order.status, "delivered");

  const codeOf = (res: { body: unknown }) => (res.body as { error: { code: string } }).error.code;
  const unnamed = await post("/market/search", { machineId: machine.id, operation: "echo" });
  assertEquals([unnamed.status, codeOf(unnamed)], [400, "VALIDATION_ERROR"]);
  const unknown = await post("/market/search", { ...ids, agentPairingId: "ap_missing" });
  assertEquals([unknown.status, codeOf(unknown)], [404, "NOT_FOUND"]);
  const foreign = await post("/market/search", { ...ids, machineId: "m_other" });
  assertEquals([foreign.status, codeOf(foreign)], [403, "AGENT_PAIRING_REQUIRED"]);
  // A token, when sent, is still verified.
  await assertApiError(
    probe(h.api, machine.id, pairing.id, "not.a.jwt"),
    "AGENT_AUTH_INVALID",
    401,
  );
  await probe(h.api, machine.id, pairing.id, pairing.pairingToken);
  // A paused pairing is still refused.
  await h.api.updateAgentPairing(machine.id, pairing.id, { status: "paused" });
  const paused = await post("/market/search", ids);
  assertEquals([paused.status, codeOf(paused)], [403, "AGENT_PAIRING_INACTIVE"]);
});
