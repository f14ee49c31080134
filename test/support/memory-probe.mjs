// Preloaded (`node --expose-gc --import`) into a mock started by a test, so the test can read the
// mock's own memory after full collections, not the load generator's.
process.on('message', (message) => {
  if (message !== 'memory') return;
  // Twice, with a turn of the event loop between: objects freed by finalizers and closed sockets go too.
  globalThis.gc?.();
  setImmediate(() => {
    globalThis.gc?.();
    process.send?.({ memory: process.memoryUsage() });
  });
});
// The server keeps the process alive; the channel must not, or it would outlive a SIGTERM.
process.channel?.unref();
