/** How often the parent is looked for: a stopped npm frees the port within about this long. */
const PARENT_POLL_MS = 500;

/**
 * Calls `onOrphaned` once when the process that started this one has exited, if npm started it.
 * `npx customers-mock` runs the command through a `sh -c` between npm and the mock; npm passes
 * its SIGTERM to that shell, which dies of it and leaves the mock running with the port. A mock
 * npm started therefore stops when its parent goes. Started any other way (a shell's `&`, a
 * supervisor), the mock outlives its parent as a daemon would.
 */
export function stopWhenOrphanedUnderNpm(onOrphaned: () => void, env: NodeJS.ProcessEnv = process.env): void {
  if (env.npm_lifecycle_event === undefined) return;
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onOrphaned();
  }, PARENT_POLL_MS);
  // The watch alone never keeps the process alive.
  timer.unref();
}
