// Dredd hooks for checking customers-mock against openapi/customers.yaml as it stands (the document
// is not edited for Dredd): `npx dredd openapi/customers.yaml http://127.0.0.1:4010
// --hookfiles=examples/dredd/hooks.cjs --header 'x-client-key: mock-client-key'
// --header 'x-client-secret: mock-client-secret'`. Each hook makes up for how Dredd sends a
// document's examples, not for the mock. test/openapi/dredd.test.ts runs it.
const { randomUUID } = require('node:crypto');
const hooks = require('hooks');

/** The client key of the sandbox the document's create made, for its delete. */
let sandboxKey;

hooks.beforeEach((transaction) => {
  // Dredd makes a transaction of every documented response, but one example request can only
  // meet its 2xx: the others (400, 401, 429...) need other requests, so they are skipped.
  if (!transaction.expected.statusCode.startsWith('2')) {
    transaction.skip = true;
    return;
  }
  // Dredd sends the parameter's one example key with every write; one key on different writes is
  // a 409 by design. A client sends a new key per write, as the document recommends.
  if (transaction.request.headers['idempotency-key'] !== undefined) transaction.request.headers['idempotency-key'] = randomUUID();
  // Dredd's OpenAPI 3 reader ignores `required: false` on response headers; this one comes with a replay only.
  delete transaction.expected.headers['Idempotent-Replayed'];
  // The sandbox to delete is the one created before, not the example's.
  const example = '/__admin/sandboxes/sandbox_3f2e8b7d4c10';
  if (transaction.request.uri === example && sandboxKey !== undefined) {
    transaction.request.uri = `/__admin/sandboxes/${sandboxKey}`;
    transaction.fullPath = transaction.fullPath.replace(example, transaction.request.uri);
  }
});

hooks.afterEach((transaction) => {
  if (transaction.request.method === 'POST' && transaction.request.uri === '/__admin/sandboxes' && transaction.real?.statusCode === 201) {
    sandboxKey = JSON.parse(transaction.real.body).clientKey;
  }
});
