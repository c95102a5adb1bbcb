/**
 * The sandbox's command line, shared by `deno task sandbox` (`deno_bin.ts`) and the npm package's
 * `peaqos-sandbox` command: strict flag parsing (an unknown or mistyped flag, a stray argument
 * or a bad value is a one-line error with exit code 2, with a "did you mean" for typos), then
 * a sandbox served until SIGINT/SIGTERM. A port already in use, or a catalogue or seed file
 * that cannot be read, is a one-line error with exit code 1.
 *
 * Runtime-neutral: it uses `node:util`, `node:fs/promises` and `node:process`, which Deno, Bun
 * and Node all provide.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import process from "node:process";
import { parseArgs } from "node:util";
import { parseCatalogue, type SandboxCatalogue } from "./live_catalogue.ts";
import { type RunningSandbox, startSandbox, type StartSandboxOptions } from "./mod.ts";
import { ListenError } from "./server.ts";

function help(command: string): string {
  return `Usage: ${command} [flags]

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
  --test-controls             Serve the test controls under /__sandbox (reset, state, seed,
                              fault injection); no credential: for a sandbox a test owns
  --catalogue <path.json>     Serve this catalogue (skills and services) instead of the built-in one
  --seed <path.json>          Create these machines, pairings and services at startup
  -h, --help                  Print this help and exit
`;
}

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
  "test-controls": { type: "boolean" },
  catalogue: { type: "string" },
  seed: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** A command-line error: one line for stderr and the exit code. */
export class CliError extends Error {
  /** 2 for bad flags, 1 for a failure to start. */
  readonly exitCode: number;

  /** An error printed as `message` alone, exiting with `exitCode`. */
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
  }
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

function parse(args: readonly string[], command: string) {
  const see = ` (see '${command} --help')`;
  try {
    return parseArgs({ args: [...args], options: FLAGS, strict: true, allowPositionals: false })
      .values;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const text = error instanceof Error ? error.message : String(error);
    const option = /'(-{1,2}[^']*)'/.exec(text)?.[1] ?? "";
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const suggestion = closestFlag(option.replace(/^-+/, "").split("=")[0] ?? "");
      throw new CliError(
        `Unknown flag '${option}'${suggestion ? `: did you mean '--${suggestion}'?` : ""}${see}`,
      );
    }
    if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
      throw new CliError(
        `Unexpected argument '${option || args.find((a) => !a.startsWith("-"))}'${see}`,
      );
    }
    // A flag without its value, or a value given to a switch.
    throw new CliError(`Invalid flags: ${text.split("\n")[0]}${see}`);
  }
}

/** What the command line asks for: help, or a sandbox with these options and files. */
export type CliPlan =
  | { readonly help: true; readonly text: string }
  | {
    readonly help: false;
    readonly options: StartSandboxOptions;
    /** `--catalogue`, read and checked by {@linkcode loadPlanFiles}. */
    readonly cataloguePath: string | undefined;
    /** `--seed`, read by {@linkcode loadPlanFiles}. */
    readonly seedPath: string | undefined;
  };

/**
 * Parses the flags (no I/O). Throws a {@linkcode CliError} (exit code 2) for anything wrong.
 *
 * @example
 * ```ts ignore
 * const plan = parseSandboxArgs(["--port", "8787", "--test-controls"], "peaqos-sandbox");
 * ```
 */
export function parseSandboxArgs(args: readonly string[], command: string): CliPlan {
  const flags = parse(args, command);
  if (flags.help) return { help: true, text: help(command) };
  const portText = flags.port ?? "0";
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new CliError(`Invalid '--port': expected 0..65535, got '${portText}'`);
  }
  const webhookUrl = flags["webhook-url"];
  const webhookSecret = flags["webhook-secret"];
  if ((webhookUrl === undefined) !== (webhookSecret === undefined)) {
    throw new CliError("Invalid webhook flags: '--webhook-url' and '--webhook-secret' go together");
  }
  for (const name of ["catalogue", "seed"] as const) {
    if (flags[name] === "") throw new CliError(`Invalid '--${name}': expected a file path`);
  }
  const apiKey = flags["api-key"];
  const rpcUrl = flags["rpc-url"];
  return {
    help: false,
    cataloguePath: flags.catalogue,
    seedPath: flags.seed,
    options: {
      port,
      hostname: flags.hostname ?? "127.0.0.1",
      requireApiAuth: !flags["no-api-auth"],
      requireAgentPairingAuth: !flags["no-agent-auth"],
      machineIdentityVerification: flags["no-identity-verification"] ? "off" : "required",
      testControls: flags["test-controls"] ?? false,
      ...(apiKey !== undefined && { apiKeys: [apiKey] }),
      ...(rpcUrl !== undefined && { rpcUrl }),
      ...(webhookUrl !== undefined && webhookSecret !== undefined &&
        { webhooks: [{ url: webhookUrl, secret: webhookSecret }] }),
    },
  };
}

async function readJsonFile(path: string, flag: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unreadable";
    throw new CliError(`Cannot read '${flag}' file '${path}': ${code}`, 1);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`Invalid JSON in '${flag}' file '${path}': ${(error as Error).message}`, 1);
  }
}

/**
 * Reads the plan's `--catalogue` and `--seed` files into its options. Throws a
 * {@linkcode CliError} (exit code 1) for an unreadable file, bad JSON or a bad catalogue.
 *
 * @example
 * ```ts ignore
 * const options = await loadPlanFiles(plan);
 * ```
 */
export async function loadPlanFiles(
  plan: Extract<CliPlan, { help: false }>,
): Promise<StartSandboxOptions> {
  let catalogue: SandboxCatalogue | undefined;
  if (plan.cataloguePath !== undefined) {
    const value = await readJsonFile(plan.cataloguePath, "--catalogue");
    try {
      catalogue = parseCatalogue(value, `'${plan.cataloguePath}'`) as SandboxCatalogue;
    } catch (error) {
      throw new CliError((error as Error).message, 1);
    }
  }
  const seed = plan.seedPath === undefined
    ? undefined
    : await readJsonFile(plan.seedPath, "--seed") as StartSandboxOptions["seed"];
  return {
    ...plan.options,
    ...(catalogue !== undefined && { catalogue }),
    ...(seed !== undefined && { seed }),
  };
}

async function start(options: StartSandboxOptions): Promise<RunningSandbox> {
  try {
    return await startSandbox(options);
  } catch (error) {
    if (error instanceof ListenError) {
      throw new CliError(
        error.reason === "in-use"
          ? `Cannot listen on ${options.hostname}:${options.port}: the port is already in use`
          : `Cannot start the sandbox: ${error.message}`,
        1,
      );
    }
    if (error instanceof TypeError) {
      throw new CliError(`Cannot start the sandbox: ${error.message.split("\n")[0]}`, 1);
    }
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && error instanceof Error) {
      // A seed step the API refused: its code and message say which and why.
      throw new CliError(`Cannot seed the sandbox: ${code}: ${error.message}`, 1);
    }
    throw error;
  }
}

function describe(sandbox: RunningSandbox, options: StartSandboxOptions): string[] {
  const lines = [
    `peaqOS sandbox listening on ${sandbox.url}`,
    `  PEAQOS_ORCHESTRATION_URL=${sandbox.url}`,
    options.requireApiAuth === false
      ? "  API auth off: no PEAQOS_API_KEY needed"
      : `  PEAQOS_API_KEY=${sandbox.apiKey}`,
  ];
  if (options.requireAgentPairingAuth === false) {
    lines.push("  Agent auth off: no pairing token needed");
  }
  if (options.machineIdentityVerification === "off") lines.push("  Identity verification off");
  if (options.testControls) lines.push(`  Test controls on: ${sandbox.url}/__sandbox`);
  if (options.catalogue !== undefined) {
    lines.push(`  Catalogue: ${options.catalogue.services.length} services`);
  }
  const seeded = sandbox.seeded;
  if (seeded !== undefined) {
    lines.push(
      `  Seeded: ${seeded.machines.length} machines, ${seeded.pairings.length} pairings, ` +
        `${seeded.services.length} services`,
    );
  }
  lines.push(`  OpenAPI document: ${sandbox.url}/openapi.json`);
  lines.push("Press Ctrl-C to stop.");
  return lines;
}

/**
 * Runs the command: prints help, or serves a sandbox until SIGINT/SIGTERM and exits 0. Errors
 * are one line on stderr with exit code 2 (flags) or 1 (start).
 *
 * @example
 * ```ts ignore
 * await runSandboxCli(process.argv.slice(2), "peaqos-sandbox");
 * ```
 */
export async function runSandboxCli(args: readonly string[], command: string): Promise<void> {
  let sandbox: RunningSandbox;
  let options: StartSandboxOptions;
  try {
    const plan = parseSandboxArgs(args, command);
    if (plan.help) {
      console.log(plan.text);
      return;
    }
    options = await loadPlanFiles(plan);
    sandbox = await start(options);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    console.error(error.message);
    process.exit(error.exitCode);
  }
  for (const line of describe(sandbox, options)) console.log(line);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await sandbox.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  if (process.platform !== "win32") process.on("SIGTERM", stop);
}
