/**
 * Tasks: a unit of work for a machine, taken from intent to outcome in steps — create →
 * discover (rank catalogue services against the intent) → resolve (pick one; a route is
 * recorded) → execute (a run and an outcome are recorded). Orders create tasks too, when they
 * execute (see `order_extras.ts`), so the list shows both.
 *
 * - `GET|POST /machines/:machineId/tasks`, `GET /machines/:machineId/tasks/:taskId`
 * - `POST /machines/:machineId/tasks/:taskId/{discover,resolve,execute}`
 *
 * Tasks exist only for active, identity-verified machines (`MACHINE_NOT_ACTIVE`,
 * `MACHINE_NOT_ACTIVATED`). A step out of order is 409 `VALIDATION_ERROR` naming `status`. Execution is platform work, so
 * no payment is involved; only services the sandbox simulates can run as tasks (others are 422
 * `EXECUTION_UNSUPPORTED`: order them through the market instead).
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { MarketService, Task, TaskStatus } from "../../src/types/mod.ts";
import { requirePlatform } from "../auth.ts";
import { serviceRuntime } from "../catalogue.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { ApiError, notFound } from "../errors.ts";
import type { TaskRecord } from "../store.ts";
import { inputSchema, shortTextSchema } from "../../contract/fields.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { simulate } from "../simulator.ts";
import { readJson, readOptionalJson, readQuery } from "../validate.ts";
import { requireActiveMachine } from "./machines.ts";

const createSchema = z.strictObject({
  intent: z.string().trim().min(1).max(1000),
  skillKey: shortTextSchema.optional(),
  operation: shortTextSchema.optional(),
  input: inputSchema.optional(),
});

const resolveSchema = z.strictObject({ serviceId: shortTextSchema.optional() });

const executeSchema = z.strictObject({ input: inputSchema.optional() });

const listSchema = listQuerySchema.extend({
  status: z.enum(["created", "discovered", "resolved", "executing", "succeeded", "failed"])
    .optional(),
});

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

function getTask(ctx: SandboxContext, machineId: string, taskId: string): TaskRecord {
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
 * Registers the task routes.
 *
 * @example
 * ```ts ignore
 * registerTaskRoutes(api, ctx);
 * ```
 */
export function registerTaskRoutes(api: Hono<SandboxEnv>, ctx: SandboxContext): void {
  const platform = requirePlatform(ctx);
  const base = "/machines/:machineId/tasks";

  api.get(base, platform, (c) => {
    const machineId = c.req.param("machineId");
    requireActiveMachine(ctx, machineId);
    const query = readQuery(c, listSchema);
    const records = [...ctx.store.tasks.values()].filter((record) =>
      record.task.machineId === machineId &&
      (query.status === undefined || record.task.status === query.status)
    );
    return c.json(paginate(records, query, (record) => record.task));
  });

  api.post(base, platform, async (c) => {
    const machineId = c.req.param("machineId");
    requireActiveMachine(ctx, machineId);
    const body = await readJson(c, createSchema);
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
    return c.json({ item: task }, 201);
  });

  api.get(`${base}/:taskId`, platform, (c) => {
    const record = getTask(ctx, c.req.param("machineId"), c.req.param("taskId"));
    return c.json({ item: record.task });
  });

  api.post(`${base}/:taskId/discover`, platform, (c) => {
    const record = getTask(ctx, c.req.param("machineId"), c.req.param("taskId"));
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
    return c.json({ item: update(ctx, record, { status: "discovered", candidates }) });
  });

  api.post(`${base}/:taskId/resolve`, platform, async (c) => {
    const record = getTask(ctx, c.req.param("machineId"), c.req.param("taskId"));
    const body = await readOptionalJson(c, resolveSchema);
    requireStatus(record, ["discovered"], "be resolved");
    const { candidates } = record.task;
    const chosen = body.serviceId === undefined
      ? candidates[0]
      : candidates.find((candidate) => candidate.serviceId === body.serviceId);
    if (!chosen) {
      throw body.serviceId === undefined
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
    const task = update(ctx, record, {
      status: "resolved",
      serviceId: service.id,
      skillKey: service.skillKey,
      routeId,
    });
    return c.json({ item: task });
  });

  api.post(`${base}/:taskId/execute`, platform, async (c) => {
    const record = getTask(ctx, c.req.param("machineId"), c.req.param("taskId"));
    const body = await readOptionalJson(c, executeSchema);
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
    const input = { ...taskInput, ...body.input };
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
    const task = update(ctx, record, {
      status: result.status,
      input: { ...record.task.input, ...body.input },
      runId,
      outcomeId,
    });
    return c.json({ item: task });
  });
}
