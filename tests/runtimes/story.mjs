// The smoke story every runtime runs against the packed npm package and a real sandbox on
// 127.0.0.1: list / create / pair / search / order / execute, an API error mapped to
// OrchestrationApiError with its code, a multi-page `*All` iteration, a redaction check, and webhook
// signatures against the runtime's own Web Crypto.
//
// Plain JavaScript with no imports, so Node (import and require), Bun and workerd load the same
// file. The harness hands in the package's modules (loaded its own way), the environment and
// a wallet factory (EIP-191 over @noble, independent of the SDK's signer).

/** A failed expectation. */
export class StoryAssertionError extends Error {}

function check(condition, message) {
  if (!condition) throw new StoryAssertionError(message);
}

function equal(actual, expected, what) {
  check(
    actual === expected,
    `${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`,
  );
}

async function rejectsWith(promise, sdk, code, statusCode) {
  let caught;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  check(caught !== undefined, `expected a rejection with ${code}, but the call resolved`);
  check(
    caught instanceof sdk.OrchestrationApiError,
    `expected OrchestrationApiError, got ${caught?.name}: ${caught?.message}`,
  );
  check(caught instanceof sdk.PeaqosError, "OrchestrationApiError is not a PeaqosError");
  equal(caught.code, code, "error code");
  equal(caught.statusCode, statusCode, "error statusCode");
  return caught;
}

/**
 * The story as an ordered list of `{ name, run }`; steps share state and must run in order.
 *
 * @param {{
 *   sdk: any,                    // the package's "." export
 *   subpaths: Record<string, any>, // every export of package.json, loaded by the harness
 *   packageJson: { version: string, exports: Record<string, unknown> },
 *   env: Record<string, string> | undefined, // undefined: read the runtime's environment
 *   createWallet: () => { address: string, privateKey: string, sign(message: string): string },
 * }} harness
 */
export function smokeStory({ sdk, subpaths, packageJson, env, createWallet }) {
  const state = {};
  const pages = { count: 0 };
  const client = () =>
    sdk.PeaqosClient.fromEnv(env, {
      onRequest: (info) => {
        if (info.method === "GET" && info.url.includes("/skills")) pages.count++;
      },
    });
  const market = () => state.client.orchestration;

  return [
    {
      name: "every package.json export loads and the root export is the SDK",
      run() {
        const names = Object.keys(packageJson.exports).filter((k) => k !== "./package.json");
        check(names.includes("."), "package.json exports has no '.'");
        for (const name of names) {
          const module = subpaths[name];
          check(module !== undefined, `subpath '${name}' did not load`);
          check(Object.keys(module).length > 0, `subpath '${name}' exports nothing`);
        }
        equal(typeof sdk.PeaqosClient, "function", "typeof PeaqosClient");
        equal(sdk.VERSION, packageJson.version, "VERSION");
        equal(sdk.ERROR_CODE_NOT_FOUND, "NOT_FOUND", "ERROR_CODE_NOT_FOUND");
      },
    },
    {
      name: "privateKeySigner() from ./signer signs exactly like an independent EIP-191 signer",
      async run() {
        const signerModule = subpaths["./signer"];
        check(signerModule !== undefined, "the ./signer subpath did not load");
        const wallet = createWallet();
        const signer = signerModule.privateKeySigner(wallet.privateKey);
        equal(signer.address.toLowerCase(), wallet.address, "signer address");
        const message = "peaq runtime smoke";
        equal(await signer.signMessage(message), wallet.sign(message), "signature");
        check(!JSON.stringify(signer).includes(wallet.privateKey.slice(2)), "key printed");
      },
    },
    {
      name: "webhook signatures equal this runtime's Web Crypto HMAC on both MAC paths, and verify",
      async run() {
        const keyBytes = new Uint8Array(32).map((_, i) => i * 7 + 1);
        const secret = `whsec_${btoa(String.fromCharCode(...keyBytes))}`;
        const key = await crypto.subtle.importKey(
          "raw",
          keyBytes,
          { name: "HMAC", hash: "SHA-256" },
          false,
          ["sign"],
        );
        // About 1 KB (the JavaScript HMAC) and about 9 KB (Web Crypto, above 4 KiB).
        for (const size of [1_000, 9_000]) {
          const body = JSON.stringify({
            type: "order.created",
            timestamp: "2026-12-01T00:00:00.000Z",
            data: { order: { id: "ord_1", note: "é".repeat(3) + "x".repeat(size) } },
          });
          const timestamp = 1_764_547_200;
          const mac = new Uint8Array(
            await crypto.subtle.sign(
              "HMAC",
              key,
              new TextEncoder().encode(`msg_rt.${timestamp}.${body}`),
            ),
          );
          const expected = `v1,${btoa(String.fromCharCode(...mac))}`;
          const signature = await sdk.signWebhook({ id: "msg_rt", timestamp, body }, secret);
          equal(signature, expected, `signature of a ${body.length}-character body`);
          const headers = {
            "webhook-id": "msg_rt",
            "webhook-timestamp": String(timestamp),
            "webhook-signature": signature,
          };
          const { event } = await sdk.verifyWebhook(body, headers, secret, { now: timestamp });
          equal(event.data.order.id, "ord_1", "verified event");
          let refused;
          try {
            await sdk.verifyWebhook(body.replace("ord_1", "ord_2"), headers, secret, {
              now: timestamp,
            });
          } catch (error) {
            refused = error;
          }
          equal(refused?.reason, "invalid_signature", "tampered body refused");
        }
      },
    },
    {
      name: "createMachine() verifies a machine with a real EIP-191 identity proof",
      async run() {
        state.client = client();
        state.controller = createWallet();
        const identityRef = `did:peaq:${state.controller.address}`;
        const { item: challenge } = await market().createMachineIdentityChallenge({ identityRef });
        equal(challenge.verificationMethod, "eip191", "verificationMethod");
        const { item: machine } = await market().createMachine({
          displayName: `Smoke rover ${state.controller.address.slice(2, 8)}`,
          machineType: "rover",
          identityRef,
          identityProof: {
            challengeId: challenge.challengeId,
            signature: state.controller.sign(challenge.message),
          },
        });
        equal(machine.identityRef, identityRef, "identityRef");
        state.machine = machine;
      },
    },
    {
      name: "createMachine() rejects an identity proof signed by another key",
      async run() {
        const owner = createWallet();
        const identityRef = `did:peaq:${owner.address}`;
        const { item: challenge } = await market().createMachineIdentityChallenge({ identityRef });
        const err = await rejectsWith(
          market().createMachine({
            displayName: "Impostor",
            machineType: "rover",
            identityRef,
            identityProof: {
              challengeId: challenge.challengeId,
              signature: createWallet().sign(challenge.message),
            },
          }),
          sdk,
          sdk.ERROR_CODE_MACHINE_IDENTITY_PROOF_INVALID,
          403,
        );
        check(err.message.startsWith("MACHINE_IDENTITY_PROOF_INVALID"), err.message);
      },
    },
    {
      name: "updateMachine() activates the machine and listMachines() lists it",
      async run() {
        const { item } = await market().updateMachine(state.machine.id, { status: "active" });
        equal(item.status, "active", "status");
        const ids = [];
        for await (const machine of market().listMachinesAll({ limit: 100 })) ids.push(machine.id);
        check(ids.includes(state.machine.id), `listMachines() lacks '${state.machine.id}'`);
      },
    },
    {
      name: "createAgentPairing() pairs an agent with a signed proof",
      async run() {
        state.agent = createWallet();
        const who = {
          agentAddress: state.agent.address,
          agentProvider: "anthropic",
          agentRole: "buyer",
        };
        const { item: challenge } = await market().createAgentPairingChallenge(
          state.machine.id,
          who,
        );
        const { item: pairing } = await market().createAgentPairing(state.machine.id, {
          ...who,
          agentProof: {
            challengeId: challenge.challengeId,
            signature: state.agent.sign(challenge.message),
          },
          delegationPolicy: { dailySpendLimit: 10, currency: "USDT" },
        });
        equal(pairing.status, "active", "pairing status");
        equal(pairing.machineId, state.machine.id, "pairing machineId");
        check(typeof pairing.pairingToken === "string", "no pairingToken");
        equal(pairing.pairingToken.split(".").length, 3, "JWT parts in pairingToken");
        state.pairing = pairing;
      },
    },
    {
      name: "JSON.stringify() of a pairing shows [REDACTED], never the pairing token",
      run() {
        const text = JSON.stringify(state.pairing);
        check(text.includes(`"pairingToken":"${sdk.REDACTED}"`), `not redacted: ${text}`);
        equal(sdk.REDACTED, "[REDACTED]", "REDACTED");
        check(!text.includes(state.pairing.pairingToken), "the pairing token leaked");
        check(!JSON.stringify(state.client).includes(env?.PEAQOS_API_KEY ?? "\0"), "apiKey leaked");
        equal(JSON.parse(text).id, state.pairing.id, "pairing id in the JSON");
      },
    },
    {
      name: "searchMarket() quotes the free echo service",
      async run() {
        const { item: search } = await market().searchMarket(
          {
            machineId: state.machine.id,
            agentPairingId: state.pairing.id,
            query: "echo",
            nativeOnly: true,
            budget: { max: 0 },
          },
          state.pairing.pairingToken,
        );
        equal(search.status, "matched", "search status");
        const quote = search.quotes.find((q) => q.serviceId === "svc_sim_echo");
        check(
          quote,
          `no quote for svc_sim_echo in ${JSON.stringify(search.quotes.map((q) => q.serviceId))}`,
        );
        state.search = search;
        state.quote = quote;
      },
    },
    {
      name: "createMarketOrder() orders the quoted service",
      async run() {
        const { item: order } = await market().createMarketOrder(
          {
            machineId: state.machine.id,
            agentPairingId: state.pairing.id,
            serviceId: state.quote.serviceId,
            quoteId: state.quote.id,
            searchId: state.search.id,
          },
          state.pairing.pairingToken,
        );
        equal(order.serviceId, "svc_sim_echo", "order serviceId");
        equal(order.executionMode, "native", "order executionMode");
        state.order = order;
      },
    },
    {
      name: "executeMarketOrder() runs the order natively and delivers it",
      async run() {
        const result = await market().executeMarketOrder(
          state.order.id,
          { input: { message: "hello from the runtime smoke test" } },
          state.pairing.pairingToken,
        );
        equal(result.execution.statusCode, 200, "execution statusCode");
        equal(result.execution.mode, "native", "execution mode");
        equal(result.execution.outcome.status, "succeeded", "outcome status");
        equal(result.execution.outcome.output.message, "hello from the runtime smoke test", "echo");
        equal(result.order.id, state.order.id, "order id");
        equal(result.order.status, "delivered", "order status");
        const { item } = await market().getMarketOrder(state.order.id);
        equal(item.status, "delivered", "order status on read");
      },
    },
    {
      name: "getMachine() of an unknown id rejects with OrchestrationApiError NOT_FOUND",
      async run() {
        const err = await rejectsWith(
          market().getMachine("m_does_not_exist"),
          sdk,
          sdk.ERROR_CODE_NOT_FOUND,
          404,
        );
        equal(err.request?.method, "GET", "err.request.method");
      },
    },
    {
      name: "a wrong apiKey rejects with OrchestrationApiError AUTH_INVALID and is never printed",
      async run() {
        const apiKey = "sk_wrong_runtime_smoke_key";
        const wrong = sdk.PeaqosClient.fromEnv(env, { apiKey });
        const err = await rejectsWith(
          wrong.orchestration.listMachines(),
          sdk,
          sdk.ERROR_CODE_AUTH_INVALID,
          401,
        );
        check(!JSON.stringify(wrong).includes(apiKey), "apiKey in the client's JSON");
        check(!err.message.includes(apiKey), "apiKey in the error message");
      },
    },
    {
      name: "listSkillsAll() iterates every page of the catalogue",
      async run() {
        const { items: all } = await market().listSkills({ limit: 100 });
        check(all.length > 2, `catalogue too small for a multi-page test: ${all.length}`);
        pages.count = 0;
        const keys = [];
        for await (const skill of market().listSkillsAll({ limit: 2 })) keys.push(skill.key);
        equal(keys.join(","), all.map((s) => s.key).join(","), "skills across pages");
        equal(pages.count, Math.ceil(all.length / 2), "pages fetched");
      },
    },
  ];
}
