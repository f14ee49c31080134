import { afterAll, afterEach, beforeEach } from 'vitest';
import { kit } from './support.js';

// Once Ctrl-C or SIGTERM stopped the run, every check left is reported as not run, whether or not it would send.
beforeEach((context) => {
  const interruption = kit.interruption();
  if (interruption !== undefined) context.skip(interruption);
});

// Runs before each suite file: each check's request count and observations at choice points
// travel to the reporter with its result, and what a file's hooks did travels with the file.
afterEach(({ task }) => {
  task.meta.requests = kit.drainRequestCount();
  task.meta.observations = kit.drainObservations();
});
// eslint-disable-next-line no-empty-pattern -- vitest reads the hook's first parameter as a destructured context
afterAll(({}, suite) => {
  suite.meta.requests = (suite.meta.requests ?? 0) + kit.drainRequestCount();
  suite.meta.observations = [...(suite.meta.observations ?? []), ...kit.drainObservations()];
});
