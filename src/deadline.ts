/**
 * Per-call deadlines: one abort signal that fires when the call's timeout passes or when the
 * caller's own signal aborts, and that tells the two apart.
 *
 * Two ways to build it, chosen once per runtime at module load, because neither is cheapest
 * everywhere (see BENCHMARKS.md): `AbortSignal.timeout` (Deno, Bun: about half the cost of a
 * controller and a timer, and its unref'd timer neither keeps the process alive nor trips
 * Deno's test sanitizers), and `AbortController` + `setTimeout` + `clearTimeout` (Node, where
 * `AbortSignal.timeout` is slower and keeps each signal alive until its timer fires, and every
 * other runtime, where it is the form known to work).
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

const noop = (): void => {};

/**
 * A deadline on `AbortSignal.timeout`, combined with the caller's signal through
 * `AbortSignal.any` only when there is one. Nothing to clear: the runtime's timer is unref'd.
 *
 * @internal
 */
export function signalTimeoutDeadline(
  ms: number,
  caller: AbortSignal | undefined,
): Deadline {
  const timeout = AbortSignal.timeout(Math.min(ms, MAX_TIMER_MS));
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
export function timerDeadline(
  ms: number,
  caller: AbortSignal | undefined,
): Deadline {
  const controller = new AbortController();
  let fired = false;
  const timer = setTimeout(() => {
    if (controller.signal.aborted) return; // the caller came first
    fired = true;
    controller.abort(new DOMException("Signal timed out.", "TimeoutError"));
  }, Math.min(ms, MAX_TIMER_MS));
  if (caller === undefined) {
    return {
      signal: controller.signal,
      timedOut: () => fired,
      clear: () => clearTimeout(timer),
    };
  }
  const onAbort = () => controller.abort(caller.reason);
  if (caller.aborted) onAbort();
  else caller.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => fired,
    clear: () => {
      clearTimeout(timer);
      caller.removeEventListener("abort", onAbort);
    },
  };
}

const runtime = globalThis as { Deno?: unknown; Bun?: unknown };

/**
 * Which way this runtime builds deadlines.
 *
 * @internal
 */
export const DEADLINE_KIND: "signal-timeout" | "timer" =
  (runtime.Deno !== undefined || runtime.Bun !== undefined) &&
    typeof AbortSignal.timeout === "function" &&
    typeof AbortSignal.any === "function"
    ? "signal-timeout"
    : "timer";

/**
 * Starts the deadline of one call: `ms` from now, or earlier if `caller` aborts.
 *
 * @internal
 */
export const startDeadline: (
  ms: number,
  caller: AbortSignal | undefined,
) => Deadline = DEADLINE_KIND === "signal-timeout" ? signalTimeoutDeadline : timerDeadline;
