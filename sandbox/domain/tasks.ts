/**
 * Tasks: a unit of work for a machine, taken from intent to outcome in steps — create →
 * discover (rank catalogue services against the intent) → resolve (pick one; a route is
 * recorded) → execute (a run and an outcome are recorded). Executed orders are recorded as tasks
 * too ({@linkcode recordOrderExecution}), so the list shows both.
 *
 * Tasks exist only for active, identity-verified machines (`MACHINE_NOT_ACTIVE`,
 * `MACHINE_NOT_ACTIVATED`). A step out of order is 409 `VALIDATION_ERROR` naming `status`.
 * Execution is platform work, so no payment is involved; only services the sandbox simulates can
 * run as tasks (others are 422 `EXECUTION_UNSUPPORTED`: order them through the market instead).
 *
 * @module
 */
import type {
  MarketOrder,
  MarketOutcome,
  MarketRun,
  MarketService,
  Task,
  TaskStatus,
} from "../../src/types/mod.ts";
import { serviceRuntime } from "../catalogue.ts";
import type { SandboxContext } from "../context.ts";
import { ApiError, notFound } from "../errors.ts";
import { simulate } from "../simulator.ts";
import type { TaskRecord } from "../store.ts";
import { requireActiveMachine } from "./machines.ts";

/** What a new task asks for. */
export type TaskInput = {
  readonly intent: string;
  readonly skillKey?: string | undefined;
  readonly operation?: string | undefined;
  readonly input?: Readonly<Record<string, unknown>> | undefined;
};

/** How many candidates `discover` keeps. */
const MAX_CANDIDATES = 5;

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((word) => word.length >= 3);
}

// The share of the intent's words a service's text mentions, to two decimals.
function score(intent: string, service: MarketService): number {
  const wanted = new Set(words(intent));
  if (wanted.size === 0) return 0;
  const text = new Set(words([
    service.name,
    service.description,
    service.skillKey,
    service.serviceType,
    ...service.operations,
    ...service.capabilities,
  ].join(" ")));
  let hits = 0;
  for (const word of wanted) if (text.has(word)) hits++;
  return Math.round((hits / wanted.size) * 100) / 100;
}

/**
 * The task `taskId` of `machineId` (which must be active and identity-verified), or 404
 * `NOT_FOUND`.
 *
 * @example
 * ```ts ignore
 * const record = requireTask(ctx, machineId, taskId);
 * ```
 */
export function requireTask(ctx: SandboxContext, machineId: string, taskId: string): TaskRecord {
  requireActiveMachine(ctx, machineId);
  const record = ctx.store.tasks.get(taskId);
  if (!record || record.task.machineId !== machineId) throw notFound("Task", taskId);
  return record;
}

function requireStatus(record: TaskRecord, allowed: readonly TaskStatus[], step: string): void {
  if (!allowed.includes(record.task.status)) {
    throw new ApiError(
      409,
      "VALIDATION_ERROR",
      `Task cannot ${step}: '${record.task.id}' is '${record.task.status}'`,
      [{ path: "status", message: `must be ${allowed.map((s) => `'${s}'`).join(" or ")}` }],
    );
  }
}

function update(ctx: SandboxContext, record: TaskRecord, changes: Partial<Task>): Task {
  record.task = { ...record.task, ...changes, updatedAt: ctx.now().toISOString() };
  return record.task;
}

// The operation a task runs: the one it asked for, else the service's first.
function operationOf(record: TaskRecord, service: MarketService): string {
  const wanted = record.task.input["operation"];
  return typeof wanted === "string" && service.operations.includes(wanted)
    ? wanted
    : service.operations[0]!;
}

/**
 * The tasks of `machineId`, in creation order, optionally of one status.
 *
 * @example
 * ```ts ignore
 * const records = tasksOf(ctx, machineId, "succeeded");
 * ```
 */
export function tasksOf(
  ctx: SandboxContext,
  machineId: string,
  status: TaskStatus | undefined,
): TaskRecord[] {
  return [...ctx.store.tasks.values()].filter((record) =>
    record.task.machineId === machineId &&
    (status === undefined || record.task.status === status)
  );
}

/**
 * Creates a task for `machineId` from an intent (the operation asked for rides in its `input`).
 *
 * @example
 * ```ts ignore
 * const task = createTask(ctx, machineId, { intent: "Caption this photo" });
 * ```
 */
export function createTask(ctx: SandboxContext, machineId: string, body: TaskInput): Task {
  const now = ctx.now().toISOString();
  const task: Task = {
    id: ctx.ids.nextId("task"),
    machineId,
    orderId: null,
    intent: body.intent,
    skillKey: body.skillKey ?? null,
    serviceId: null,
    status: "created",
    input: { ...body.input, ...(body.operation ? { operation: body.operation } : {}) },
    candidates: [],
    routeId: null,
    runId: null,
    outcomeId: null,
    createdAt: now,
    updatedAt: now,
  };
  ctx.store.tasks.set(task.id, { seq: ctx.ids.nextSeq(), task });
  return task;
}

/**
 * Ranks the catalogue's services against the task's intent (and its skill and operation, when it
 * names them) and keeps the best five as candidates.
 *
 * @example
 * ```ts ignore
 * const task = discoverTask(ctx, record);
 * ```
 */
export function discoverTask(ctx: SandboxContext, record: TaskRecord): Task {
  requireStatus(record, ["created", "discovered"], "be discovered");
  const { intent, skillKey, input } = record.task;
  const operation = typeof input["operation"] === "string" ? input["operation"] : undefined;
  const candidates = ctx.catalogue.services
    .filter((service) => skillKey === null || service.skillKey === skillKey)
    .filter((service) => operation === undefined || service.operations.includes(operation))
    .map((service) => ({
      serviceId: service.id,
      skillKey: service.skillKey,
      // An explicit skill is itself a match, even when the intent's words are not.
      score: skillKey === null ? score(intent, service) : Math.max(score(intent, service), 0.5),
    }))
    .filter((candidate) => candidate.score > 0)
    .sort((a, b) => b.score - a.score || a.serviceId.localeCompare(b.serviceId))
    .slice(0, MAX_CANDIDATES);
  return update(ctx, record, { status: "discovered", candidates });
}

/**
 * Picks the task's service (`serviceId`, one of its candidates; default the best) and records
 * the route it will run on.
 *
 * @example
 * ```ts ignore
 * const task = resolveTask(ctx, record, "svc_sim_vision");
 * ```
 */
export function resolveTask(
  ctx: SandboxContext,
  record: TaskRecord,
  serviceId: string | undefined,
): Task {
  requireStatus(record, ["discovered"], "be resolved");
  const { candidates } = record.task;
  const chosen = serviceId === undefined
    ? candidates[0]
    : candidates.find((candidate) => candidate.serviceId === serviceId);
  if (!chosen) {
    throw serviceId === undefined
      ? new ApiError(
        422,
        "EXECUTION_UNSUPPORTED",
        `No service can do this task: '${record.task.id}' has no candidates`,
      )
      : new ApiError(400, "VALIDATION_ERROR", "Invalid request: 'serviceId'", [
        { path: "serviceId", message: "must be one of the task's discovered candidates" },
      ]);
  }
  const service = ctx.catalogue.findService(chosen.serviceId)!;
  const routeId = ctx.ids.nextId("route");
  ctx.store.routes.set(routeId, {
    id: routeId,
    taskId: record.task.id,
    machineId: record.task.machineId,
    serviceId: service.id,
    skillKey: service.skillKey,
    providerKey: service.providerKey,
    operation: operationOf(record, service),
    createdAt: ctx.now().toISOString(),
  });
  return update(ctx, record, {
    status: "resolved",
    serviceId: service.id,
    skillKey: service.skillKey,
    routeId,
  });
}

/**
 * Runs a resolved task on the simulated provider, with `extraInput` over its input, and records
 * the run and its outcome.
 *
 * @example
 * ```ts ignore
 * const task = executeTask(ctx, record, { prompt: "Hello" });
 * ```
 */
export function executeTask(
  ctx: SandboxContext,
  record: TaskRecord,
  extraInput: Readonly<Record<string, unknown>> | undefined,
): Task {
  requireStatus(record, ["resolved"], "be executed");
  const store = ctx.store;
  const route = store.routes.get(record.task.routeId!)!;
  const service = ctx.catalogue.findService(route.serviceId)!;
  if (serviceRuntime(service) !== "simulated") {
    throw new ApiError(
      422,
      "EXECUTION_UNSUPPORTED",
      `Tasks run only on simulated services in the sandbox: '${service.id}' is '${
        serviceRuntime(service)
      }'; order it through the market`,
    );
  }
  const { operation: _operation, ...taskInput } = record.task.input;
  const input = { ...taskInput, ...extraInput };
  const startedAt = ctx.now().toISOString();
  const result = simulate(route.operation, input);
  const runId = ctx.ids.nextId("run");
  const outcomeId = ctx.ids.nextId("out");
  store.runs.set(runId, {
    seq: ctx.ids.nextSeq(),
    run: {
      id: runId,
      machineId: record.task.machineId,
      orderId: null,
      taskId: record.task.id,
      routeId: route.id,
      outcomeId,
      providerKey: service.providerKey,
      operation: route.operation,
      status: result.status,
      startedAt,
      completedAt: ctx.now().toISOString(),
    },
    outcome: {
      id: outcomeId,
      runId,
      status: result.status,
      output: result.output,
      summary: result.summary,
    },
  });
  return update(ctx, record, {
    status: result.status,
    input: { ...record.task.input, ...extraInput },
    runId,
    outcomeId,
  });
}

/** What an order's execute answered, as far as records are concerned. */
export type OrderExecution =
  | { readonly mode: "native"; readonly run: MarketRun; readonly outcome: MarketOutcome }
  | { readonly mode: "external-handoff" };

/**
 * Records an executed order: one task per order (created on the first execution, updated on a
 * retry's), its route, and for native runs the run and outcome. Returns the ids to write on the
 * order.
 *
 * @example
 * ```ts ignore
 * const ids = recordOrderExecution(ctx, order, { mode: "native", run, outcome });
 * updateOrder(ctx, record, ids);
 * ```
 */
export function recordOrderExecution(
  ctx: SandboxContext,
  order: MarketOrder,
  execution: OrderExecution,
): { readonly taskId: string; readonly routeId: string } {
  const store = ctx.store;
  const now = ctx.now().toISOString();
  const existing = order.taskId ? store.tasks.get(order.taskId) : undefined;
  const taskId = existing?.task.id ?? ctx.ids.nextId("task");
  let routeId = existing?.task.routeId ?? null;
  if (routeId === null) {
    routeId = ctx.ids.nextId("route");
    store.routes.set(routeId, {
      id: routeId,
      taskId,
      machineId: order.machineId,
      serviceId: order.serviceId,
      skillKey: order.skillKey,
      providerKey: order.providerKey,
      operation: order.operation,
      createdAt: now,
    });
  }
  const native = execution.mode === "native" ? execution : undefined;
  if (native) {
    store.runs.set(native.run.id, {
      seq: ctx.ids.nextSeq(),
      run: {
        id: native.run.id,
        machineId: order.machineId,
        orderId: order.id,
        taskId,
        routeId,
        outcomeId: native.outcome.id,
        providerKey: native.run.providerKey,
        operation: native.run.operation,
        status: native.run.status,
        startedAt: native.run.startedAt,
        completedAt: native.run.completedAt,
      },
      outcome: native.outcome,
    });
  }
  const quoteScore = order.quoteId ? ctx.store.quotes.get(order.quoteId)?.quote.score : undefined;
  const task: Task = {
    id: taskId,
    machineId: order.machineId,
    orderId: order.id,
    intent: `${order.operation} via ${order.serviceSnapshot.name}`,
    skillKey: order.skillKey,
    serviceId: order.serviceId,
    // A handoff leaves the work to the external provider: routed, but not run here.
    status: native ? native.run.status : "resolved",
    input: order.input,
    candidates: [{ serviceId: order.serviceId, skillKey: order.skillKey, score: quoteScore ?? 1 }],
    routeId,
    runId: native?.run.id ?? null,
    outcomeId: native?.outcome.id ?? null,
    createdAt: existing?.task.createdAt ?? now,
    updatedAt: now,
  };
  if (existing) existing.task = task;
  else store.tasks.set(taskId, { seq: ctx.ids.nextSeq(), task });
  return { taskId, routeId };
}
