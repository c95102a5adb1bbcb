/**
 * `deno task sandbox [--port N] [--hostname H] [--api-key K]`: serves a sandbox until Ctrl-C and
 * prints its URL and API key.
 *
 * @module
 */
import { startSandbox } from "./mod.ts";

function flag(name: string): string | undefined {
  const index = Deno.args.indexOf(`--${name}`);
  if (index >= 0) return Deno.args[index + 1];
  const inline = Deno.args.find((arg) => arg.startsWith(`--${name}=`));
  return inline?.slice(name.length + 3);
}

const portText = flag("port") ?? "0";
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid '--port': expected 0..65535, got '${portText}'`);
  Deno.exit(2);
}
const hostname = flag("hostname") ?? "127.0.0.1";
const apiKey = flag("api-key");

const sandbox = await startSandbox({ port, hostname, ...(apiKey && { apiKeys: [apiKey] }) });
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
