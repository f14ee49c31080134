/**
 * One cold start of createMockFetch, in a fresh process (run by in-process.ts): the package
 * loaded by its name, as an app imports it (its root export, which resolves to the build in dist/),
 * COUNT customers generated and indexed, up to its first answer. Prints one JSON object, times in
 * milliseconds.
 */
const count = Number(process.argv[2] ?? 500);
const started = performance.now();
const { createMockFetch } = await import('customers-mock');
const imported = performance.now();
const mockFetch = await createMockFetch({ count });
const ready = performance.now();
// CPU time too: on a shared machine the wall time also counts other processes' turns.
const cpu = process.cpuUsage();
const first = await mockFetch('/api/v0/customers', { headers: { 'x-client-key': 'mock-client-key', 'x-client-secret': 'mock-client-secret' } });
await first.arrayBuffer();
if (first.status !== 200) throw new Error(`the first request answered ${first.status}`);
const answered = performance.now();
process.stdout.write(`${JSON.stringify({ importMs: imported - started, createMs: ready - imported, firstAnswerMs: answered - ready, readyMs: ready - started, sinceProcessStartMs: ready, processCpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
