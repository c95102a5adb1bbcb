/**
 * Helpers for the sandbox's market tests: a sandbox with a verified machine and a paired agent,
 * and small local servers (runtime endpoint, JSON-RPC node, webhook receiver) on 127.0.0.1.
 */
import type { AgentPairingWithToken, DelegationPolicyInput, Machine } from "../mod.ts";
import type { SandboxOptions, TestWallet } from "../sandbox/mod.ts";
import { type Harness, harness, pairAgent, verifiedMachine } from "./_sandbox_platform.ts";

/** A sandbox, an active verified machine and an agent paired with it. */
export type Market = Harness & {
  readonly machine: Machine;
  readonly pairing: AgentPairingWithToken;
  readonly token: string;
  readonly agent: TestWallet;
};

/** Starts a sandbox with a machine and a paired agent under `policy`. */
export async function market(
  options: SandboxOptions = {},
  policy?: DelegationPolicyInput,
): Promise<Market> {
  const h = await harness(options);
  try {
    const { machine } = await verifiedMachine(h.api);
    const { pairing, agent } = await pairAgent(h.api, machine.id, undefined, policy);
    return Object.assign(h, { machine, pairing, token: pairing.pairingToken, agent });
  } catch (err) {
    await h.sandbox.close();
    throw err;
  }
}

/** The ids every order and search needs. */
export function ids(m: Market): { machineId: string; agentPairingId: string } {
  return { machineId: m.machine.id, agentPairingId: m.pairing.id };
}

/** A local HTTP server on 127.0.0.1 (port 0); dispose with `await using`. */
export type LocalServer = {
  readonly url: string;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
};

/** Serves `handler` on 127.0.0.1. */
export async function localServer(
  handler: (request: Request) => Response | Promise<Response>,
): Promise<LocalServer> {
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: (addr) => resolve(addr as Deno.NetAddr) },
    handler,
  );
  const addr = await promise;
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= server.shutdown());
  return { url: `http://127.0.0.1:${addr.port}`, close, [Symbol.asyncDispose]: close };
}

/** A URL on 127.0.0.1 where nothing listens (a server is started and closed to find one). */
export async function deadUrl(): Promise<string> {
  const server = await localServer(() => new Response(null));
  await server.close();
  return server.url;
}
