import type { Context, Hono } from 'hono';
import type { oas31 } from 'openapi3-ts';
import type { OpenApiDocument } from '../openapi/index.js';
import { withRulesInDescriptions } from '../openapi/rules.js';
import type { Credentials } from './auth.js';
import type { Endpoint } from './pipeline.js';
import type { Responses } from './responses.js';

export interface DocsDeps {
  /** The document as written, `$ref`s intact. */
  readonly document: OpenApiDocument;
  /**
   * What the page pre-fills, so "Try it out" works against this mock at once; undefined when
   * the page must ask for them (see `credentialsForDocs`).
   */
  readonly credentials: Credentials | undefined;
  /**
   * Swagger UI's files by name (see docs-assets.ts, which reads them from disk). Without them, as
   * in process, only the document is served: the page is for people with a browser and a server.
   */
  readonly assets: DocsAssetReader | undefined;
}

/** The content of one of `DOCS_ASSETS`. */
export type DocsAssetReader = (name: string) => Uint8Array<ArrayBuffer>;

/** Swagger UI's files the page loads, by name, with their content types: the page needs no network. */
export const DOCS_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** Every path the Node server serves beside the API, for anything that must tell them from unknown routes. */
export const DOCS_PATHS: readonly string[] = ['/openapi.json', '/openapi.yaml', '/docs', ...Object.keys(DOCS_ASSETS).map(assetPath)];

function assetPath(name: string): string {
  return `/docs/assets/${name}`;
}

/**
 * `/docs` (the API reference), `/openapi.json` and `/openapi.yaml`. They sit outside the API: no
 * credentials, no rate limit, and not in the document's `paths`, which describe the API itself.
 * `withAppSteps` puts each behind the steps every request of the app passes (the request log...).
 */
export function mountDocs(app: Hono, deps: DocsDeps, responses: Responses, withAppSteps: (endpoint: Endpoint) => Endpoint): void {
  const prefill = deps.credentials === undefined ? {} : securityPrefill(deps.document, deps.credentials);
  // The rules go into the descriptions at the first request for the document, not at start-up:
  // most mocks never serve it, and copying the document costs a cold start.
  let described: OpenApiDocument | undefined;
  const document = () => (described ??= withRulesInDescriptions(deps.document));

  app.get('/openapi.json', withAppSteps((c) => responses.json(c, servedDocument(document(), origin(c)))));
  app.get(
    '/openapi.yaml',
    withAppSteps(async (c) => {
      // Loaded on first use: the YAML writer is a tenth of a cold start, and few ask for YAML.
      const { stringify } = await import('yaml');
      return responses.body(c, stringify(servedDocument(document(), origin(c)), { lineWidth: 0 }), 200, 'application/yaml; charset=utf-8');
    }),
  );
  const { assets } = deps;
  if (!assets) return;
  app.get(
    '/docs',
    withAppSteps((c) => responses.body(c, docsPage(deps.document.info.title, prefill), 200, 'text/html; charset=UTF-8', { 'Cache-Control': 'no-cache' })),
  );
  for (const [name, contentType] of Object.entries(DOCS_ASSETS)) {
    app.get(
      assetPath(name),
      withAppSteps((c) => responses.body(c, assets(name), 200, contentType, { 'Cache-Control': 'public, max-age=3600' })),
    );
  }
}

/** The address the client reached this mock by, so the page works on any host and port. */
function origin(c: Context): string {
  return new URL(c.req.url).origin;
}

/** The document as written, with this mock's own address as the first (default) server. */
export function servedDocument(document: OpenApiDocument, selfUrl: string): OpenApiDocument {
  const self: oas31.ServerObject = { url: selfUrl, description: 'This customers-mock (the address this document was fetched from)' };
  const others = (document.servers ?? []).filter((server) => server.url !== selfUrl);
  return { ...document, servers: [self, ...others] };
}

/**
 * The credentials `/docs` may show: the page needs none to open, so whoever reaches the mock would
 * read them. The built-in demo pair is no secret (the README prints it); credentials of one's own
 * are pre-filled only when asked (`--docs-credentials`), else "Try it out" asks for them.
 */
export function credentialsForDocs(config: Credentials & { readonly docsCredentials: boolean }, demo: Credentials): Credentials | undefined {
  const isDemo = config.clientKey === demo.clientKey && config.clientSecret === demo.clientSecret;
  return isDemo || config.docsCredentials ? config : undefined;
}

/**
 * The value of each API-key scheme of the document, matched by the header it names, so Swagger UI
 * can authorise every operation before the reader clicks anything.
 */
export function securityPrefill(document: OpenApiDocument, credentials: Credentials): Record<string, string> {
  const byHeader: Record<string, string> = {
    'x-client-key': credentials.clientKey,
    'x-client-secret': credentials.clientSecret,
  };
  const prefill: Record<string, string> = {};
  for (const [scheme, definition] of Object.entries(document.components?.securitySchemes ?? {})) {
    if ('$ref' in definition) continue;
    const value = definition.type === 'apiKey' && definition.in === 'header' ? byHeader[definition.name?.toLowerCase() ?? ''] : undefined;
    if (value !== undefined) prefill[scheme] = value;
  }
  return prefill;
}

/** JSON that is safe inside a `<script>` element whatever the strings hold. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function docsPage(title: string, prefill: Record<string, string>): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} · customers-mock</title>
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <style>
    /* The contract notes (info.description: the choices, the limits) sit one click away, so that
       the first screen shows the operations and whether the page is authorised. */
    .contract-notes:not(.open) .info .description { display: none; }
    .swagger-ui .contract-notes .info { margin: 30px 0 12px; }
    .swagger-ui .btn.contract-notes__toggle { margin-bottom: 20px; }
    .swagger-ui .auth-state { display: flex; align-items: center; gap: 12px; }
    .swagger-ui .auth-state__label { font-family: sans-serif; font-size: 14px; font-weight: 600; color: #3b4151; }
    .swagger-ui .auth-state__label.authorised { color: #2f7d32; }
  </style>
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    const prefill = ${scriptJson(prefill)};
    // Two wrappers around Swagger UI's own components (React-managed, so they survive re-renders):
    // the document's long description folds behind a button, and the Authorize button says in
    // words whether requests carry credentials.
    const FirstScreen = (system) => {
      const React = system.React;
      const h = React.createElement;
      const foldNotes = (Info) =>
        function InfoWithFoldedNotes(props) {
          const [open, setOpen] = React.useState(false);
          return h('div', { className: open ? 'contract-notes open' : 'contract-notes' },
            h(Info, props),
            h('button', { type: 'button', className: 'btn contract-notes__toggle', 'aria-expanded': String(open), onClick: () => setOpen(!open) },
              open ? 'Hide the contract notes' : 'Contract notes: the choices this document makes, and its limits'));
        };
      return {
        wrapComponents: {
          // OpenAPI 3.1 documents render OAS31Info in place of info.
          OAS31Info: foldNotes,
          authorizeBtn: (AuthorizeBtn) =>
            function AuthorizeWithState(props) {
              return h('div', { className: 'auth-state' },
                h('span', { className: props.isAuthorized ? 'auth-state__label authorised' : 'auth-state__label', role: 'status' },
                  props.isAuthorized ? "Authorised: requests carry this mock's credentials" : 'Not authorised: Authorize asks for the client key and secret'),
                h(AuthorizeBtn, props));
            },
        },
      };
    };
    window.ui = SwaggerUIBundle({
      url: '/openapi.json',
      dom_id: '#swagger-ui',
      deepLinking: true,
      tryItOutEnabled: true,
      displayRequestDuration: true,
      // Swagger UI would otherwise send the document to validator.swagger.io: no network here.
      validatorUrl: null,
      plugins: [FirstScreen],
      onComplete() {
        for (const [scheme, value] of Object.entries(prefill)) window.ui.preauthorizeApiKey(scheme, value);
      },
    });
  </script>
</body>
</html>
`;
}
