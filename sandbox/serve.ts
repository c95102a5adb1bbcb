/**
 * `deno task sandbox [flags]`: serves a sandbox until Ctrl-C and prints its URL and API key.
 * `--help` lists the flags; an unknown flag, a stray argument or a bad value is a one-line
 * error with exit code 2, and a port already in use a one-line error with exit code 1.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type SandboxOptions, startSandbox } from "./mod.ts";

const HELP = `Usage: deno task sandbox [flags]

Serves a local, stateful Machine Markets API until Ctrl-C.

Flags:
  --port <n>                  TCP port, 0..65535 (default 0: any free port)
  --hostname <host>           Interface to listen on (default 127.0.0.1)
  --api-key <key>             The platform API key to accept (default: a generated one)
  --no-api-auth               Platform routes answer without an API key
  --no-agent-auth             Search and orders work without a pairing token; the body's
                              'agentPairingId' (or the order's pairing) names the pairing
  --no-identity-verification  Machines are created, activated and paired without identity proofs
  --rpc-url <url>             EVM JSON-RPC URL for 'rpc' payment proofs
  --webhook-url <url>         Webhook receiver; needs --webhook-secret
  --webhook-secret <whsec_…>  Standard Webhooks secret of --webhook-url
  -h, --help                  Print this help and exit
`;

const FLAGS = {
  port: { type: "string" },
  hostname: { type: "string" },
  "api-key": { type: "string" },
  "no-api-auth": { type: "boolean" },
  "no-agent-auth": { type: "boolean" },
  "no-identity-verification": { type: "boolean" },
  "rpc-url": { type: "string" },
  "webhook-url": { type: "string" },
  "webhook-secret": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function fail(message: string, code = 2): never {
  console.error(`${message}`);
  Deno.exit(code);
}

// The closest known flag, for "did you mean" on a typo (Levenshtein distance up to 3).
function closestFlag(name: string): string | undefined {
  const distance = (a: string, b: string): number => {
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      const current = [i];
      for (let j = 1; j <= b.length; j++) {
        current[j] = Math.min(
          previous[j]! + 1,
          current[j - 1]! + 1,
          previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
      }
      previous = current;
    }
    return previous[b.length]!;
  };
  let best: { flag: string; score: number } | undefined;
  for (const flag of Object.keys(FLAGS)) {
    const score = distance(name, flag);
    if (score <= 3 && (best === undefined || score < best.score)) best = { flag, score };
  }
  return best?.flag;
}

function parse(args: string[]) {
  try {
    return parseArgs({ args, options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const text = error instanceof Error ? error.message : String(error);
    const option = /'(-{1,2}[^']*)'/.exec(text)?.[1] ?? "";
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const suggestion = closestFlag(option.replace(/^-+/, "").split("=")[0] ?? "");
      fail(
        `Unknown flag '${option}'${suggestion ? `: did you mean '--${suggestion}'?` : ""}` +
          " (see 'deno task sandbox --help')",
      );
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      fail(
        `Unexpected argument '${option || args.find((a) => !a.startsWith("-"))}'` +
          " (see 'deno task sandbox --help')",
      );
    }
    // A flag without its value, or a value given to a switch.
    fail(`Invalid flags: ${text.split("\n")[0]} (see 'deno task sandbox --help')`);
  }
}

const flags = parse(Deno.args);
if (flags.help) {
  console.log(HELP);
  Deno.exit(0);
}

const portText = flags.port ?? "0";
const port = Number(portText);
if (!/^\d+$/.test(portText) || port > 65535) {
  fail(`Invalid '--port': expected 0..65535, got '${portText}'`);
}
const webhookUrl = flags["webhook-url"];
const webhookSecret = flags["webhook-secret"];
if ((webhookUrl === undefined) !== (webhookSecret === undefined)) {
  fail("Invalid webhook flags: '--webhook-url' and '--webhook-secret' go together");
}
const apiKey = flags["api-key"];
const rpcUrl = flags["rpc-url"];
const requireApiAuth = !flags["no-api-auth"];

const options: SandboxOptions = {
  port,
  hostname: flags.hostname ?? "127.0.0.1",
  requireApiAuth,
  requireAgentPairingAuth: !flags["no-agent-auth"],
  machineIdentityVerification: flags["no-identity-verification"] ? "off" : "required",
  ...(apiKey !== undefined && { apiKeys: [apiKey] }),
  ...(rpcUrl !== undefined && { rpcUrl }),
  ...(webhookUrl !== undefined && webhookSecret !== undefined &&
    { webhooks: [{ url: webhookUrl, secret: webhookSecret }] }),
};

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
try {
  sandbox = await startSandbox(options);
} catch (error) {
  if (error instanceof Deno.errors.AddrInUse) {
    fail(`Cannot listen on ${options.hostname}:${port}: the port is already in use`, 1);
  }
  if (error instanceof TypeError || error instanceof Deno.errors.AddrNotAvailable) {
    fail(`Cannot start the sandbox: ${error.message.split("\n")[0]}`, 1);
  }
  throw error;
}
console.log(`peaqOS sandbox listening on ${sandbox.url}`);
console.log(`  PEAQOS_ORCHESTRATION_URL=${sandbox.url}`);
console.log(
  requireApiAuth
    ? `  PEAQOS_API_KEY=${sandbox.apiKey}`
    : "  API auth off: no PEAQOS_API_KEY needed",
);
if (!options.requireAgentPairingAuth) console.log("  Agent auth off: no pairing token needed");
if (options.machineIdentityVerification === "off") console.log("  Identity verification off");
console.log("Press Ctrl-C to stop.");

const stop = async () => {
  await sandbox.close();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
if (Deno.build.os !== "windows") Deno.addSignalListener("SIGTERM", stop);
