/**
 * The check runner of the script suites (`test_worker_build.ts`, `test_sandbox_npm.ts`,
 * `test_sandbox_jsr.ts`): each check prints `--- ok <name> (<s> s)` or `--- FAILED <name>: <why>`,
 * and `finish()` prints the plain totals line `N passed, M failed` that `scripts/test.ts` reads,
 * then exits 1 when anything failed (or nothing ran). Also the helpers those suites share for the
 * servers they start.
 *
 * @module
 */

/** Counts checks and runs them in order. */
export class Checks {
  #passed = 0;
  #failed = 0;
  #skipRest = false;

  /** Runs one check; after `skipRest()`, every later check counts as failed without running. */
  async check(name: string, run: () => Promise<void>): Promise<void> {
    if (this.#skipRest) {
      this.#failed++;
      console.log(`--- FAILED ${name}: skipped, an earlier setup step failed`);
      return;
    }
    const started = performance.now();
    try {
      await run();
      this.#passed++;
      console.log(`--- ok ${name} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      this.#failed++;
      console.log(`--- FAILED ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Marks a setup step as failed: the checks that need it are not run. */
  skipRest(): void {
    this.#skipRest = true;
  }

  /** Prints `N passed, M failed` and exits (1 when anything failed or nothing ran). */
  finish(): never {
    console.log(`${this.#passed} passed, ${this.#failed} failed`);
    Deno.exit(this.#failed === 0 && this.#passed > 0 ? 0 : 1);
  }
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/**
 * Polls `<url>/health` until it answers 2xx or `deadlineMs` passes. Each request has its own
 * timeout: a server that accepts the connection and never answers fails the check, not the suite.
 */
export async function waitForHealth(url: string, deadlineMs: number): Promise<Response> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(15_000) });
      if (response.ok) return response;
      await response.body?.cancel();
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`no healthy answer at ${url} within ${deadlineMs} ms`);
}
