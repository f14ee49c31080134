import { afterAll, afterEach } from 'vitest';
import { kit } from './support.js';

// Runs before each suite file: each check's request count travels to the reporter with its
// result, and requests made by a file's hooks travel with the file.
afterEach(({ task }) => {
  task.meta.requests = kit.drainRequestCount();
});
// eslint-disable-next-line no-empty-pattern -- vitest reads the hook's first parameter as a destructured context
afterAll(({}, suite) => {
  suite.meta.requests = (suite.meta.requests ?? 0) + kit.drainRequestCount();
});
