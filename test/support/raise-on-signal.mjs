// Loaded with `node --import` before the app in tests: on SIGUSR2 the process throws an error nobody
// catches (RAISE_ON_SIGUSR2=exception) or rejects a promise nobody handles (=rejection), the way a bug
// would, so a test can see what the process does with an unhandled error without a route for it.
const kind = process.env.RAISE_ON_SIGUSR2;
if (kind) {
  process.on('SIGUSR2', () => {
    setImmediate(() => {
      if (kind === 'rejection') void Promise.reject(new Error('a promise nobody handled'));
      else throw new Error('an error nobody caught');
    });
  });
}
