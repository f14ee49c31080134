// Recipe: the typed client against a running mock (`npm start`), as docs/integrators/server.md shows it.
// test/examples/client-recipe.test.ts runs it against a mock of its own.
import { createClient, ApiError } from 'customers-mock';

const client = createClient({
  baseUrl: 'http://127.0.0.1:4010',
  clientKey: 'mock-client-key',
  clientSecret: 'mock-client-secret',
  timeoutMs: 5_000,                 // per attempt
  retry: { maxAttempts: 4 },        // 429 and 5xx, backoff with jitter, never sooner than Retry-After
});

const page = await client.customers.list({ status: 'ACTIVE', name: 'an', take: 5 });
console.log(`${page.total} active customers match "an"; first: ${page.data[0]?.first_name}`);

let blacklisted = 0;
for await (const customer of client.customers.all({ status: 'BLACKLISTED' })) blacklisted++;
console.log(`${blacklisted} blacklisted customers, paged through for you`);

const ada = await client.customers.create({ first_name: 'Ada', last_name: 'Lovelace', phone_number: '+14155550123', email: 'ada@example.com' });
await client.customers.blacklist(ada.id, 'chargebacks');     // PATCH {"status":"BLACKLISTED","reason":...}
await client.customers.restore(ada.id);                      // PATCH {"status":"ACTIVE"}
await client.customers.delete(ada.id);
try {
  await client.customers.get(ada.id);
} catch (error) {
  if (error instanceof ApiError) console.log(error.status, error.body.message);   // 404 Customer not found
}
