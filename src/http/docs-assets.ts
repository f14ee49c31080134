import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DocsAssetReader } from './docs.js';

const assetDirectory = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const assetCache = new Map<string, Uint8Array<ArrayBuffer>>();

/** Swagger UI's files from the installed swagger-ui-dist, for the Node server's `/docs`. */
export const swaggerUiAssets: DocsAssetReader = (name) => {
  let content = assetCache.get(name);
  if (!content) {
    // Read on first use, not at start-up: most mocks never serve the page (1.7 MB of script).
    content = new Uint8Array(readFileSync(join(assetDirectory, name)));
    assetCache.set(name, content);
  }
  return content;
};
