/**
 * Runs a sandbox (`startSandbox()`) in its own process for the benchmarks, seeded with one
 * identity-verified machine and one agent paired to it, and prints
 * `LISTENING <origin> <seed JSON>` where the seed holds the API key, the machine id, the pairing
 * id and the pairing token.
 *
 * @module
 */
import { PeaqosClient } from "../mod.ts";
import { startSandbox } from "../sandbox/mod.ts";
import { pairAgent, verifiedMachine } from "../tests/_sandbox_platform.ts";

const sandbox = await startSandbox();
const api =
  new PeaqosClient({ orchestrationUrl: sandbox.url, apiKey: sandbox.apiKey }).orchestration;
const { machine } = await verifiedMachine(api);
const { pairing } = await pairAgent(api, machine.id);
const seed = {
  apiKey: sandbox.apiKey,
  machineId: machine.id,
  agentPairingId: pairing.id,
  pairingToken: pairing.pairingToken,
};
console.log(`LISTENING ${sandbox.url} ${JSON.stringify(seed)}`);

const stop = async () => {
  await sandbox.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGTERM", stop);
Deno.addSignalListener("SIGINT", stop);
