import {
  assert,
  assertEquals,
  assertFalse,
  assertInstanceOf,
  assertMatch,
  assertRejects,
  assertStringIncludes,
  assertThrows,
} from "@std/assert";
import { Wallet } from "ethers";
import { privateKeyToAccount } from "viem/accounts";
import {
  OrchestrationApiError,
  PeaqosClient,
  type Signer,
  SignerError,
  toSigner,
} from "../../mod.ts";
import { createClient, createClientFromEnv, privateKeySigner } from "../../signer/mod.ts";
import { startSandbox } from "../../sandbox/mod.ts";

// Well-known test vector (web3.js docs): key → 0x2c7536E3605D9C16a7a3D7b1898e529396a65c23.
const KNOWN_KEY: `0x${string}` =
  "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const KNOWN_ADDRESS = "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23";
const SECP256K1_N = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

function randomKey(): `0x${string}` {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

const MESSAGES = [
  "",
  "peaq",
  "Sign in to peaq\nchallenge: 7f3a\nexpires: 2026-11-28T20:00:00Z",
  "ünïcödé ✓ 機械 🤖",
  "x".repeat(1000),
];

Deno.test("privateKeySigner() derives the checksummed address of a known key", () => {
  assertEquals(privateKeySigner(KNOWN_KEY).address, KNOWN_ADDRESS);
  assertEquals(privateKeySigner(KNOWN_KEY.slice(2)).address, KNOWN_ADDRESS);
});

Deno.test("privateKeySigner() signs byte for byte like viem and ethers", async () => {
  for (const key of [KNOWN_KEY, randomKey(), randomKey(), randomKey()]) {
    const ours = privateKeySigner(key);
    const viem = privateKeyToAccount(key);
    const ethers = new Wallet(key);
    assertEquals(ours.address, viem.address);
    assertEquals(ours.address, ethers.address);
    for (const message of MESSAGES) {
      const signature = await ours.signMessage(message);
      assertMatch(signature, /^0x[0-9a-f]{128}(1b|1c)$/);
      assertEquals(signature, await viem.signMessage({ message }));
      assertEquals(signature, await ethers.signMessage(message));
    }
  }
});

Deno.test("privateKeySigner() rejects invalid keys without echoing them", () => {
  const bad = [
    "",
    "0x1234",
    "0x" + "zz".repeat(32),
    "0x" + "00".repeat(32),
    "0x" + SECP256K1_N,
    KNOWN_KEY + "00",
  ];
  for (const key of bad) {
    const error = assertThrows(() => privateKeySigner(key), SignerError);
    assertEquals(error.field, "privateKey");
    if (key.length > 4) assertFalse(error.message.includes(key.slice(2, 20)), error.message);
  }
});

Deno.test("privateKeySigner() keeps the key out of every printed form", () => {
  const signer = privateKeySigner(KNOWN_KEY);
  const secret = KNOWN_KEY.slice(2, 18);
  const printed = [
    JSON.stringify(signer),
    Deno.inspect(signer),
    Deno.inspect({ nested: { signer } }, { depth: 10 }),
    Object.values(signer).map(String).join(" "),
  ];
  for (const text of printed) {
    assertFalse(text.includes(secret), text);
    assertStringIncludes(text, KNOWN_ADDRESS);
  }
  assertEquals(JSON.parse(JSON.stringify(signer)), { address: KNOWN_ADDRESS });
});

Deno.test("Signer accepts a viem local account and an ethers Wallet as they are", async () => {
  const key = randomKey();
  // Compile-time half: both assign to Signer without adapters or casts.
  const fromViem: Signer = privateKeyToAccount(key);
  const fromEthers: Signer = new Wallet(key);
  const fromOurs: Signer = privateKeySigner(key);
  const expected = await privateKeySigner(key).signMessage("hello");
  for (const signer of [fromViem, fromEthers, fromOurs]) {
    const normalised = toSigner(signer);
    assertEquals(normalised.address, privateKeySigner(key).address);
    assertEquals(await normalised.signMessage("hello"), expected);
  }
});

const AUTHORIZATION_TYPES = {
  TransferWithAuthorization: [
    { name: "from", type: "address" },
    { name: "to", type: "address" },
    { name: "value", type: "uint256" },
    { name: "validAfter", type: "uint256" },
    { name: "validBefore", type: "uint256" },
    { name: "nonce", type: "bytes32" },
  ],
};

Deno.test("toSigner() adapts signTypedData of viem accounts, ethers Wallets and privateKeySigner alike", async () => {
  const key = randomKey();
  const domain = {
    name: "USD Coin",
    version: "2",
    chainId: 8453,
    verifyingContract: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913",
  } as const;
  const message = {
    from: KNOWN_ADDRESS,
    to: "0x8ba1f109551bD432803012645Ac136ddd64DBA72",
    value: 1250000n,
    validAfter: 0n,
    validBefore: 1796000000n,
    nonce: `0x${"5a".repeat(32)}`,
  };
  const expected = await privateKeyToAccount(key).signTypedData({
    domain,
    types: AUTHORIZATION_TYPES,
    primaryType: "TransferWithAuthorization",
    message: message as never,
  });
  const signers: Signer[] = [privateKeyToAccount(key), new Wallet(key), privateKeySigner(key)];
  for (const signer of signers) {
    const normalised = toSigner(signer);
    assert(normalised.signTypedData !== undefined);
    assertEquals(await normalised.signTypedData(domain, AUTHORIZATION_TYPES, message), expected);
  }
});

Deno.test("toSigner() leaves signTypedData out when the signer has none and checks it when present", async () => {
  const plain = toSigner({
    address: KNOWN_ADDRESS,
    signMessage: () => Promise.resolve(`0x${"ab".repeat(65)}`),
  });
  assertEquals(plain.signTypedData, undefined);
  assertFalse("signTypedData" in plain);
  const error = assertThrows(
    () =>
      toSigner({
        address: KNOWN_ADDRESS,
        signMessage: () => Promise.resolve(""),
        signTypedData: "yes",
      } as unknown as Signer),
    SignerError,
  );
  assertEquals(error.field, "signer.signTypedData");
  const liar = toSigner({
    address: KNOWN_ADDRESS,
    signMessage: () => Promise.resolve(""),
    signTypedData: () => Promise.resolve("0xbeef"),
  });
  const rejection = await assertRejects(
    () => liar.signTypedData!({}, AUTHORIZATION_TYPES, {}),
    SignerError,
  );
  assertEquals(rejection.field, "signature");
  assertStringIncludes(rejection.message, "signTypedData");
});

Deno.test("toSigner() rejects objects that cannot sign before any request", async () => {
  const cases: [unknown, string][] = [
    [null, "signer"],
    ["0xabc", "signer"],
    [{ signMessage: () => Promise.resolve("") }, "signer.address"],
    [{ address: "0x1234", signMessage: () => Promise.resolve("") }, "signer.address"],
    [{ address: KNOWN_ADDRESS }, "signer.signMessage"],
  ];
  for (const [value, field] of cases) {
    const error = assertThrows(() => toSigner(value as Signer), SignerError);
    assertEquals(error.field, field);
  }
  const liar = toSigner({ address: KNOWN_ADDRESS, signMessage: () => Promise.resolve("0xdead") });
  const error = await assertRejects(() => liar.signMessage("m"), SignerError);
  assertEquals(error.field, "signature");
});

Deno.test("createClient() turns the privateKey option into the client's signer", async () => {
  const client = createClient({
    orchestrationUrl: "http://127.0.0.1:9",
    apiKey: "sk_test",
    privateKey: KNOWN_KEY,
  });
  assertInstanceOf(client, PeaqosClient);
  assertEquals(client.signer?.address, KNOWN_ADDRESS);
  const signature = await toSigner(client.signer!).signMessage("m");
  assertEquals(signature, await privateKeySigner(KNOWN_KEY).signMessage("m"));
  for (const text of [JSON.stringify(client), Deno.inspect(client)]) {
    assertFalse(text.includes(KNOWN_KEY.slice(2, 18)), text);
  }
  const explicit = privateKeySigner(randomKey());
  assertEquals(createClient({ privateKey: KNOWN_KEY, signer: explicit }).signer, explicit);
  assertEquals(createClient({}).signer, undefined);
});

Deno.test("createClientFromEnv() reads PEAQOS_PRIVATE_KEY into the signer", () => {
  const client = createClientFromEnv({
    PEAQOS_ORCHESTRATION_URL: "http://127.0.0.1:9",
    PEAQOS_API_KEY: "sk_test",
    PEAQOS_PRIVATE_KEY: KNOWN_KEY,
  });
  assertEquals(client.orchestrationUrl, "http://127.0.0.1:9");
  assertEquals(client.signer?.address, KNOWN_ADDRESS);
  assertEquals(createClientFromEnv({}).signer, undefined);
});

Deno.test("privateKeySigner() signatures pass the sandbox's EIP-191 identity check", async () => {
  await using sandbox = await startSandbox();
  const client = new PeaqosClient({ orchestrationUrl: sandbox.url, apiKey: sandbox.apiKey });
  const api = client.orchestration;
  const signers: Signer[] = [
    privateKeySigner(randomKey()),
    privateKeyToAccount(randomKey()),
    new Wallet(randomKey()),
  ];
  for (const raw of signers) {
    const signer = toSigner(raw);
    const identityRef = `did:peaq:${signer.address}`;
    const { item: challenge } = await api.createMachineIdentityChallenge({ identityRef });
    const signature = await signer.signMessage(challenge.message);
    const { item: machine } = await api.createMachine({
      displayName: "Signer check",
      machineType: "rover",
      status: "active",
      identityRef,
      identityProof: { challengeId: challenge.challengeId, signature },
    });
    assertEquals(machine.status, "active");
    assertEquals(machine.identityProof?.signerAddress.toLowerCase(), signer.address.toLowerCase());
  }
});

Deno.test("the sandbox refuses a signature from a key other than the identity's", async () => {
  await using sandbox = await startSandbox();
  const api = new PeaqosClient({ orchestrationUrl: sandbox.url, apiKey: sandbox.apiKey })
    .orchestration;
  const owner = privateKeySigner(randomKey());
  const intruder = privateKeySigner(randomKey());
  const identityRef = `did:peaq:${owner.address}`;
  const { item: challenge } = await api.createMachineIdentityChallenge({ identityRef });
  const error = await assertRejects(
    async () =>
      await api.createMachine({
        displayName: "Forged",
        machineType: "rover",
        identityRef,
        identityProof: {
          challengeId: challenge.challengeId,
          signature: await intruder.signMessage(challenge.message),
        },
      }),
    OrchestrationApiError,
  );
  assertEquals(error.code, "MACHINE_IDENTITY_PROOF_INVALID");
  assert(error.statusCode >= 400 && error.statusCode < 500);
});
