import type { oas31 } from 'openapi3-ts';
import type { OpenApiDocument } from './document.js';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** One operation of the dereferenced document, with its path-level parameters merged in. */
export interface SpecOperation {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** The OpenAPI path template, e.g. `/api/v0/customers/{id}`. */
  readonly path: string;
  readonly parameters: readonly oas31.ParameterObject[];
  readonly requestBodySchema: oas31.SchemaObject | undefined;
  /** Whether a request must carry the body; an optional one may be left empty. */
  readonly requestBodyRequired: boolean;
  readonly responses: Readonly<Record<string, oas31.ResponseObject>>;
  readonly tags: readonly string[];
}

/**
 * A node of the dereferenced document, which holds no `$ref` (each was replaced by its target): the
 * document's types allow one almost anywhere, so this tells them which it is, and refuses a leftover.
 */
export function resolved<T extends object>(node: T | oas31.ReferenceObject): T {
  if ('$ref' in node) throw new Error(`an unresolved $ref (${String(node.$ref)}) in the dereferenced document`);
  return node;
}

export function listOperations(doc: OpenApiDocument): SpecOperation[] {
  const operations: SpecOperation[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      if (!op.operationId) throw new Error(`${method.toUpperCase()} ${path} has no operationId`);
      const merged = new Map<string, oas31.ParameterObject>();
      for (const p of [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolved)) {
        merged.set(`${p.in}:${p.name}`, p);
      }
      const body = op.requestBody && resolved(op.requestBody);
      const bodySchema = body?.content?.['application/json']?.schema;
      operations.push({
        operationId: op.operationId,
        method,
        path,
        parameters: [...merged.values()],
        requestBodySchema: bodySchema && resolved(bodySchema),
        requestBodyRequired: body?.required ?? false,
        responses: op.responses ?? {},
        tags: op.tags ?? [],
      });
    }
  }
  return operations;
}

/** The operationId of every operation of a document, `$ref`s resolved or not. */
export function operationIds(doc: OpenApiDocument): string[] {
  return Object.values(doc.paths ?? {}).flatMap((item) =>
    HTTP_METHODS.flatMap((method) => {
      const id = (item)[method]?.operationId;
      return id === undefined ? [] : [id];
    }),
  );
}

/** `/api/v0/customers/{id}` -> `/api/v0/customers/:id`, the router's spelling. */
export function toRouterPath(template: string): string {
  return template.replace(/\{([^}]+)\}/g, ':$1');
}
