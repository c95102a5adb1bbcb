/**
 * Benchmark 2, pagination: iterate `--items` (200 000) machines through
 * `listMachinesAll({ limit: 500 })` from a child server that generates the pages, against a
 * hand-written cursor loop over the raw `fetch` of the same URLs. Both iterators run side by
 * side, a page's worth of items at a time in alternating order, over `--passes` (2) timed
 * passes; items/s and the time ratio come from those. Heap growth after a full GC at a
 * quarter, half and all of the items (50k, 100k, 200k) is read in separate untimed passes,
 * relative to the heap before the pass. Run with `--v8-flags=--expose-gc`.
 *
 * @module
 */
import { PeaqosClient } from "../mod.ts";
import type { Machine } from "../src/types/machines.ts";
import {
  consume,
  emit,
  gcExposed,
  heapAfterGc,
  median,
  round,
  setting,
  startChild,
} from "./_lib.ts";

const API_KEY = "pk_bench_0123456789";
const PAGE = 500;

export type PaginationResult = {
  readonly items: number;
  readonly pageSize: number;
  readonly passes: number;
  readonly gcExposed: boolean;
  readonly sdkItemsPerSecond: number;
  readonly manualItemsPerSecond: number;
  /** SDK time / manual-loop time over the whole run; target <= 1.05. */
  readonly ratio: number;
  /** Median over pages of (SDK page time / manual page time of the same page). */
  readonly pageRatio: number;
  /** Heap growth after GC, in KB, per checkpoint (item count), in a pass after a warm-up pass. */
  readonly sdkHeapGrowthKb: Readonly<Record<number, number>>;
  readonly manualHeapGrowthKb: Readonly<Record<number, number>>;
};

/** Heap growth after GC at each checkpoint of one untimed pass over `source`. */
async function heapPass(
  source: AsyncIterable<Machine>,
  checkpoints: readonly number[],
): Promise<Record<number, number>> {
  const before = heapAfterGc();
  const growth: Record<number, number> = {};
  let count = 0;
  let next = 0;
  for await (const machine of source) {
    consume(machine.id);
    if (++count === checkpoints[next]) {
      growth[count] = heapAfterGc() - before;
      next++;
    }
  }
  if (count !== checkpoints.at(-1)) {
    throw new Error(`Expected ${checkpoints.at(-1)} items: got ${count}`);
  }
  return growth;
}

/**
 * Pulls both iterators a page's worth of items at a time, alternating which goes first, and
 * times each chunk (which includes that page's request): both see the same machine load.
 */
async function timedPass(
  sdk: AsyncIterator<Machine>,
  manual: AsyncIterator<Machine>,
  items: number,
): Promise<{ sdkMs: number[]; manualMs: number[] }> {
  const sdkMs: number[] = [];
  const manualMs: number[] = [];
  const chunk = async (iterator: AsyncIterator<Machine>, out: number[]) => {
    const started = performance.now();
    for (let i = 0; i < PAGE; i++) {
      const { value, done } = await iterator.next();
      if (done) throw new Error("Iterator ended early");
      consume(value.id);
    }
    out.push(performance.now() - started);
  };
  for (let page = 0; page < items / PAGE; page++) {
    if (page % 2 === 0) {
      await chunk(sdk, sdkMs);
      await chunk(manual, manualMs);
    } else {
      await chunk(manual, manualMs);
      await chunk(sdk, sdkMs);
    }
  }
  return { sdkMs, manualMs };
}

/** The loop a user would write without the SDK. */
async function* manualLoop(origin: string): AsyncGenerator<Machine> {
  const headers = { accept: "application/json", "x-api-key": API_KEY };
  let cursor: string | undefined;
  do {
    const query = cursor === undefined ? `limit=${PAGE}` : `limit=${PAGE}&cursor=${cursor}`;
    const response = await fetch(`${origin}/api/v1/machines?${query}`, { headers });
    if (!response.ok) throw new Error(`Unexpected status: ${response.status}`);
    const page: { items: Machine[]; nextCursor?: string } = await response.json();
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor);
}

/** Runs the benchmark against a fresh page server and returns its figures. */
export async function measurePagination(): Promise<PaginationResult> {
  const items = setting("items", 200_000);
  const passes = setting("passes", 2);
  const checkpoints = [items / 4, items / 2, items].map(Math.floor);
  const server = await startChild(new URL("./_server.ts", import.meta.url).pathname, [
    "pages",
    `--total=${items}`,
  ]);
  try {
    const market =
      new PeaqosClient({ orchestrationUrl: server.url, apiKey: API_KEY }).orchestration;
    const sdk = () => market.listMachinesAll({ limit: PAGE });
    const manual = () => manualLoop(server.url);
    // Untimed passes first: the server builds and caches its pages, the JIT warms up, and the
    // heap is read after GC at each checkpoint.
    await heapPass(sdk(), checkpoints);
    await heapPass(manual(), checkpoints);
    const sdkHeap = [await heapPass(sdk(), checkpoints)];
    const manualHeap = [await heapPass(manual(), checkpoints)];
    const sdkMs: number[] = [];
    const manualMs: number[] = [];
    for (let i = 0; i < passes; i++) {
      const timed = await timedPass(sdk(), manual(), items);
      sdkMs.push(...timed.sdkMs);
      manualMs.push(...timed.manualMs);
    }
    const worst = (list: Record<number, number>[]) =>
      Object.fromEntries(
        checkpoints.map((n) => [n, round(Math.max(...list.map((g) => g[n]!)) / 1024, 0)]),
      );
    const total = (list: number[]) => list.reduce((a, b) => a + b, 0);
    const count = items * passes;
    return {
      items,
      pageSize: PAGE,
      passes,
      gcExposed: gcExposed(),
      sdkItemsPerSecond: Math.round(count / (total(sdkMs) / 1000)),
      manualItemsPerSecond: Math.round(count / (total(manualMs) / 1000)),
      ratio: round(total(sdkMs) / total(manualMs)),
      pageRatio: round(median(sdkMs.map((ms, i) => ms / manualMs[i]!))),
      sdkHeapGrowthKb: worst(sdkHeap),
      manualHeapGrowthKb: worst(manualHeap),
    };
  } finally {
    await server.close();
  }
}

if (import.meta.main) {
  const figures = await measurePagination();
  console.log(
    `listMachinesAll (${figures.items} items, ${figures.passes} passes): SDK ${figures.sdkItemsPerSecond} items/s, ` +
      `manual loop ${figures.manualItemsPerSecond} items/s, ratio ${figures.ratio} (per-page ${figures.pageRatio}); heap growth KB ` +
      `SDK ${JSON.stringify(figures.sdkHeapGrowthKb)}, manual ${
        JSON.stringify(figures.manualHeapGrowthKb)
      }` +
      (figures.gcExposed ? "" : " (no --expose-gc: heap figures approximate)"),
  );
  emit({ pagination: figures });
}
