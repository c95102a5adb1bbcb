/**
 * Per-call deadlines: one abort signal that fires when the call's timeout passes or when the
 * caller's own signal aborts, and that tells the two apart.
 *
 * Two ways to build it, chosen once per runtime at module load, because neither is cheapest
 * everywhere (see BENCHMARKS.md):
 *
 * - Deno and Bun: {@linkcode sharedDeadline}. Calls whose deadlines fall in the same slot
 *   (1/64 of the timeout, at most 1 s) share one `AbortSignal.timeout`, so a run of calls
 *   arms one runtime timer per slot instead of one per call (a timer costs about 5 µs, 5 % of
 *   a loopback call). A timeout fires up to 1/64 late (at most 1 s): a 30 s timeout after
 *   30–30.47 s. The runtime's timer is unref'd: it neither keeps the process alive nor trips
 *   Deno's test sanitizers, and nothing has to be cleared.
 * - Everywhere else, {@linkcode timerDeadline}: an `AbortController` + `setTimeout` that
 *   `clear()` cancels. Node keeps an `AbortSignal.timeout` alive until its timer fires, and
 *   Workers do not let a timer armed by one request serve another.
 *
 * @module
 */

/** A running deadline. */
export type Deadline = {
  /** Aborts on timeout or when the caller's signal aborts; pass it to `fetch`. */
  readonly signal: AbortSignal;
  /** Whether the timeout, not the caller, fired first. */
  timedOut(): boolean;
  /** Stops the timer where one must be stopped; call it once the call settles. */
  clear(): void;
};

// Timers overflow above 2^31-1 ms and would fire at once; longer waits are effectively none.
const MAX_TIMER_MS = 2_147_483_647;
// A slot's signal is replaced after this many calls: each fetch links its own signal to it.
const MAX_CALLS_PER_SLOT = 1024;

const noop = (): void => {};

type Slot = { readonly signal: AbortSignal; calls: number };
const slots = new Map<number, Slot>();

/**
 * The timeout signal of a deadline `ms` from now, shared with every call whose deadline falls
 * in the same slot; below 64 ms every call gets its own.
 */
function timeoutSignal(ms: number): AbortSignal {
  const slack = Math.min(1000, Math.floor(ms / 64));
  if (slack < 1) return AbortSignal.timeout(ms);
  const now = Date.now();
  // The slot ends at or after the deadline, never before: a call is never cut short.
  const end = Math.ceil((now + ms) / slack) * slack;
  let slot = slots.get(end);
  if (slot === undefined || ++slot.calls > MAX_CALLS_PER_SLOT) {
    // Slots past their end are dropped here, not by an abort listener: a listener on a timeout
    // signal makes Deno keep the process alive until it fires.
    for (const past of slots.keys()) if (past < now) slots.delete(past);
    slot = { signal: AbortSignal.timeout(Math.min(end - now, MAX_TIMER_MS)), calls: 1 };
    slots.set(end, slot);
  }
  return slot.signal;
}

/**
 * Forgets every slot, so the next deadline arms a timer of its own (tests use it to see each
 * timeout armed).
 *
 * @internal
 */
export function forgetSharedDeadlines(): void {
  slots.clear();
}

/**
 * A deadline on a (shared) `AbortSignal.timeout`, combined with the caller's signal through
 * `AbortSignal.any` only when there is one. Nothing to clear: the runtime's timer is unref'd.
 *
 * @internal
 */
export function sharedDeadline(ms: number, caller: AbortSignal | undefined): Deadline {
  const timeout = timeoutSignal(Math.min(ms, MAX_TIMER_MS));
  const signal = caller === undefined ? timeout : AbortSignal.any([caller, timeout]);
  // `any` takes the reason of the first source to abort, so the reasons tell who came first.
  return {
    signal,
    timedOut: () => timeout.aborted && signal.reason === timeout.reason,
    clear: noop,
  };
}

/**
 * A deadline on an `AbortController` and a `setTimeout` that `clear()` cancels, following the
 * caller's signal through a listener that `clear()` removes.
 *
 * @internal
 */
export function timerDeadline(ms: number, caller: AbortSignal | undefined): Deadline {
  const controller = new AbortController();
  let fired = false;
  const timer = setTimeout(() => {
    if (controller.signal.aborted) return; // the caller came first
    fired = true;
    controller.abort(new DOMException("Signal timed out.", "TimeoutError"));
  }, Math.min(ms, MAX_TIMER_MS));
  const onAbort = () => controller.abort(caller!.reason);
  if (caller?.aborted) onAbort();
  else caller?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => fired,
    clear: () => {
      clearTimeout(timer);
      caller?.removeEventListener("abort", onAbort);
    },
  };
}

const runtime = globalThis as { Deno?: unknown; Bun?: unknown };

/**
 * Which way this runtime builds deadlines.
 *
 * @internal
 */
export const DEADLINE_KIND: "shared-timeout" | "timer" =
  (runtime.Deno !== undefined || runtime.Bun !== undefined) &&
    typeof AbortSignal.timeout === "function" && typeof AbortSignal.any === "function"
    ? "shared-timeout"
    : "timer";

/**
 * Starts the deadline of one call: `ms` from now, or earlier if `caller` aborts.
 *
 * @internal
 */
export const startDeadline: (ms: number, caller: AbortSignal | undefined) => Deadline =
  DEADLINE_KIND === "shared-timeout" ? sharedDeadline : timerDeadline;
