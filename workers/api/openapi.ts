/**
 * /openapi.json: the OpenAPI 3.1 document of every endpoint the Worker implements, generated from the
 * very zod schemas that validate requests (the wire layer's registry), so it cannot drift from them.
 */
import { z } from "zod";
import { VERSION } from "../config";
import { API_PREFIX, registry } from "./taskrouter/wire";

export function openApiDocument(origin: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const ep of registry) {
    const path = (ep.prefix ?? API_PREFIX) + ep.path.replace(/:([A-Za-z]+)/g, "{$1}");
    const pathParams = [...ep.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const schema = z.toJSONSchema(ep.schema, { io: "input", unrepresentable: "any" }) as {
      properties?: Record<string, unknown>;
      required?: string[];
    };
    const operation: Record<string, unknown> = {
      summary: ep.summary,
      tags: [ep.tag],
      security: [{ [ep.auth ?? "basic"]: [] }],
      responses: {
        [String(ep.status ?? (ep.method === "post" && !/:[A-Za-z]*Sid$/.test(ep.path) ? 201 : ep.method === "delete" ? 204 : 200))]: {
          description: "Success",
        },
        "400": {
          description: "A parameter is missing or invalid",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
        "401": { description: "Bad or missing credentials" },
        "404": { description: "No such resource in this account" },
      },
    };
    if (ep.method === "post") {
      operation.parameters = pathParams;
      operation.requestBody = { content: { "application/x-www-form-urlencoded": { schema }, "application/json": { schema } } };
    } else {
      const required = new Set(schema.required ?? []);
      const query = Object.entries(schema.properties ?? {}).map(([name, s]) => ({
        name,
        in: "query",
        required: required.has(name),
        schema: s,
      }));
      operation.parameters = [...pathParams, ...query];
    }
    (paths[path] ??= {})[ep.method] = operation;
  }
  return {
    openapi: "3.1.0",
    info: { title: "Switchboard TaskRouter-compatible API", version: VERSION },
    servers: [{ url: origin }],
    components: {
      securitySchemes: { basic: { type: "http", scheme: "basic" }, bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      schemas: {
        Error: {
          type: "object",
          properties: {
            code: { type: "integer" },
            message: { type: "string" },
            more_info: { type: "string" },
            status: { type: "integer" },
          },
        },
      },
    },
    paths,
  };
}
