/**
 * `deno task sandbox [--port N] [--hostname H] [--api-key K] [--rpc-url U]
 * [--webhook-url U --webhook-secret whsec_…]`: serves a sandbox until Ctrl-C and prints its URL
 * and API key.
 *
 * @module
 */
import { type SandboxOptions, startSandbox } from "./mod.ts";

function flag(name: string): string | undefined {
  const index = Deno.args.indexOf(`--${name}`);
  if (index >= 0) return Deno.args[index + 1];
  const inline = Deno.args.find((arg) => arg.startsWith(`--${name}=`));
  return inline?.slice(name.length + 3);
}

function fail(message: string): never {
  console.error(message);
  Deno.exit(2);
}

const portText = flag("port") ?? "0";
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  fail(`Invalid '--port': expected 0..65535, got '${portText}'`);
}
const apiKey = flag("api-key");
const rpcUrl = flag("rpc-url");
const webhookUrl = flag("webhook-url");
const webhookSecret = flag("webhook-secret");
if ((webhookUrl === undefined) !== (webhookSecret === undefined)) {
  fail("Invalid webhook flags: '--webhook-url' and '--webhook-secret' go together");
}

const options: SandboxOptions = {
  port,
  hostname: flag("hostname") ?? "127.0.0.1",
  ...(apiKey !== undefined && { apiKeys: [apiKey] }),
  ...(rpcUrl !== undefined && { rpcUrl }),
  ...(webhookUrl !== undefined && webhookSecret !== undefined &&
    { webhooks: [{ url: webhookUrl, secret: webhookSecret }] }),
};
const sandbox = await startSandbox(options);
console.log(`peaqOS sandbox listening on ${sandbox.url}`);
console.log(`  PEAQOS_ORCHESTRATION_URL=${sandbox.url}`);
console.log(`  PEAQOS_API_KEY=${sandbox.apiKey}`);
console.log("Press Ctrl-C to stop.");

const stop = async () => {
  await sandbox.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
