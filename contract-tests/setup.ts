import { afterAll, afterEach } from 'vitest';
import { ContractFailures } from '#contract-kit';
import { kit } from './support.js';

/** Rules the responses broke beside the one each check was about fail the check (or the file) at its end. */
function failDeferred(): void {
  const deferred = kit.drainDeferredFailures();
  if (deferred.length > 0) throw new ContractFailures(deferred, `the responses broke ${deferred.length} more rule check(s):`);
}

// Runs before each suite file: each check's request count, observations at choice points and
// findings per rule travel to the reporter with its result, and what a file's hooks did travels
// with the file.
afterEach(({ task }) => {
  task.meta.requests = kit.drainRequestCount();
  task.meta.observations = kit.drainObservations();
  task.meta.rules = kit.drainRuleReport();
  failDeferred();
});
// eslint-disable-next-line no-empty-pattern -- vitest reads the hook's first parameter as a destructured context
afterAll(({}, suite) => {
  suite.meta.requests = (suite.meta.requests ?? 0) + kit.drainRequestCount();
  suite.meta.observations = [...(suite.meta.observations ?? []), ...kit.drainObservations()];
  suite.meta.rules = kit.drainRuleReport();
  failDeferred();
});
