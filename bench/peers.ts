/**
 * Benchmark 1b, per-call overhead beside peer SDKs: each SDK's simplest read against the same
 * loopback server (child process), each against its own hand-written `fetch` + `json()` of the
 * same URL with the same auth header, all interleaved in one run:
 *
 * - ours: `client.orchestration.getMachine(id)` (`GET /api/v1/machines/:id`);
 * - openai-node: `client.models.retrieve(id)` (`GET /v1/models/:id`);
 * - Octokit: `octokit.request("GET /repos/{owner}/{repo}", ...)`.
 *
 * Every route answers the same record, so every contender parses the same bytes. Each SDK runs
 * with its defaults (openai: 10 min timeout, 2 retries; Octokit: no timeout), which is what an
 * app gets. The ratio that matters is each SDK's time over its own baseline's.
 *
 * Settings: `--peer-calls=10000` per contender, `--round=500`, `--warmup=1000`.
 *
 * @module
 */
import { Octokit } from "@octokit/core";
import { OpenAI } from "openai";
import { PeaqosClient } from "../mod.ts";
import {
  consume,
  emit,
  interleaved,
  median,
  quantile,
  round,
  setting,
  startChild,
} from "./_lib.ts";

const TOKEN = "pk_bench_0123456789";

export type PeerRow = {
  readonly sdk: string;
  readonly version: string;
  readonly call: string;
  readonly sdkMedianUs: number;
  readonly fetchMedianUs: number;
  readonly sdkP99Us: number;
  /** SDK median / its baseline's median, over every call. */
  readonly ratio: number;
  /** Median over rounds of (SDK round median / baseline round median). */
  readonly roundRatio: number;
};

export type PeersResult = {
  readonly calls: number;
  readonly roundSize: number;
  readonly rows: readonly PeerRow[];
};

async function packageVersion(specifier: string): Promise<string> {
  const text = await Deno.readTextFile(new URL(`../tests/deps/${specifier}`, import.meta.url));
  return text.match(/npm:(?:@[^/]+\/)?[^@]+@([\d.]+)/)?.[1] ?? "unknown";
}

/** Runs the benchmark against a fresh minimal server and returns its figures. */
export async function measurePeers(): Promise<PeersResult> {
  const calls = setting("peer-calls", 10_000);
  const roundSize = setting("round", 500);
  const warmup = setting("warmup", 1_000);
  const server = await startChild(new URL("./_server.ts", import.meta.url).pathname, ["machine"]);
  try {
    const origin = server.url;
    const ours = new PeaqosClient({ orchestrationUrl: origin, apiKey: TOKEN }).orchestration;
    const openai = new OpenAI({ apiKey: TOKEN, baseURL: `${origin}/v1` });
    const octokit = new Octokit({ auth: TOKEN, baseUrl: origin });
    const get = (url: string, headers: Record<string, string>) => async () => {
      const response = await fetch(url, { headers });
      if (!response.ok) throw new Error(`Unexpected status: ${response.status}`);
      const body = await response.json();
      consume(body.item?.id ?? body.id);
    };
    const contenders = {
      ours: async () => consume((await ours.getMachine("m-1")).item.id),
      oursFetch: get(`${origin}/api/v1/machines/m-1`, {
        accept: "application/json",
        "x-api-key": TOKEN,
      }),
      openai: async () => consume((await openai.models.retrieve("gpt-bench")).id),
      openaiFetch: get(`${origin}/v1/models/gpt-bench`, {
        accept: "application/json",
        authorization: `Bearer ${TOKEN}`,
      }),
      octokit: async () => {
        const { data } = await octokit.request("GET /repos/{owner}/{repo}", {
          owner: "peaq",
          repo: "bench",
        });
        consume((data as { id: unknown }).id);
      },
      octokitFetch: get(`${origin}/repos/peaq/bench`, {
        accept: "application/vnd.github.v3+json",
        authorization: `token ${TOKEN}`,
      }),
    };
    const result = await interleaved(contenders, { calls, roundSize, warmup });
    const row = (
      sdk: string,
      version: string,
      call: string,
      name: keyof typeof contenders,
      baseline: keyof typeof contenders,
    ): PeerRow => {
      const a = result[name]!;
      const b = result[baseline]!;
      return {
        sdk,
        version,
        call,
        sdkMedianUs: round(median(a.samples) * 1000, 1),
        fetchMedianUs: round(median(b.samples) * 1000, 1),
        sdkP99Us: round(quantile(a.samples, 0.99) * 1000, 1),
        ratio: round(median(a.samples) / median(b.samples)),
        roundRatio: round(median(a.roundMedians.map((m, i) => m / b.roundMedians[i]!))),
      };
    };
    const version = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)))
      .version as string;
    return {
      calls: result.ours!.samples.length,
      roundSize,
      rows: [
        row("@peaqos/peaq-os-sdk", version, "`orchestration.getMachine(id)`", "ours", "oursFetch"),
        row(
          "openai",
          await packageVersion("openai.ts"),
          "`models.retrieve(id)`",
          "openai",
          "openaiFetch",
        ),
        row(
          "@octokit/core",
          await packageVersion("octokit_core.ts"),
          '`request("GET /repos/{owner}/{repo}")`',
          "octokit",
          "octokitFetch",
        ),
      ],
    };
  } finally {
    await server.close();
  }
}

if (import.meta.main) {
  const figures = await measurePeers();
  for (const r of figures.rows) {
    console.log(
      `${r.sdk}@${r.version} ${r.call}: ${r.sdkMedianUs} µs vs fetch ${r.fetchMedianUs} µs, ` +
        `ratio ${r.ratio} (per round ${r.roundRatio})`,
    );
  }
  emit({ peers: figures });
}
