/**
 * Tasks (platform auth) under `/machines/:machineId/tasks`: list, create, get, and the steps
 * `POST .../:taskId/{discover,resolve,execute}`. The steps and their rules are
 * `domain/tasks.ts`.
 *
 * @module
 */
import type { Hono } from "hono";
import { z } from "zod";
import { inputSchema, shortTextSchema } from "../../contract/fields.ts";
import { requirePlatform } from "../auth.ts";
import type { SandboxContext, SandboxEnv } from "../context.ts";
import { requireActiveMachine } from "../domain/machines.ts";
import {
  createTask,
  discoverTask,
  executeTask,
  requireTask,
  resolveTask,
  tasksOf,
} from "../domain/tasks.ts";
import { listQuerySchema, paginate } from "../pagination.ts";
import { readJson, readOptionalJson, readQuery } from "../validate.ts";

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
    const { id: machineId } = requireActiveMachine(ctx, c.req.param("machineId"));
    const query = readQuery(c, listSchema);
    return c.json(paginate(tasksOf(ctx, machineId, query.status), query, (r) => r.task));
  });

  api.post(base, platform, async (c) => {
    const { id: machineId } = requireActiveMachine(ctx, c.req.param("machineId"));
    const body = await readJson(c, createSchema);
    return c.json({ item: createTask(ctx, machineId, body) }, 201);
  });

  api.get(`${base}/:taskId`, platform, (c) => {
    const record = requireTask(ctx, c.req.param("machineId"), c.req.param("taskId"));
    return c.json({ item: record.task });
  });

  api.post(`${base}/:taskId/discover`, platform, (c) => {
    const record = requireTask(ctx, c.req.param("machineId"), c.req.param("taskId"));
    return c.json({ item: discoverTask(ctx, record) });
  });

  api.post(`${base}/:taskId/resolve`, platform, async (c) => {
    const record = requireTask(ctx, c.req.param("machineId"), c.req.param("taskId"));
    const body = await readOptionalJson(c, resolveSchema);
    return c.json({ item: resolveTask(ctx, record, body.serviceId) });
  });

  api.post(`${base}/:taskId/execute`, platform, async (c) => {
    const record = requireTask(ctx, c.req.param("machineId"), c.req.param("taskId"));
    const body = await readOptionalJson(c, executeSchema);
    return c.json({ item: executeTask(ctx, record, body.input) });
  });
}
