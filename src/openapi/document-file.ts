import { fileURLToPath } from 'node:url';

/** Where the OpenAPI document is written, for tools that read the YAML itself (linters, generators). */
export const SPEC_PATH = fileURLToPath(new URL('../../openapi/customers.yaml', import.meta.url));
