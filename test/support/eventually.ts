/**
 * Reads again every 100 ms, for up to five seconds, until `done` holds; returns what was last read either way,
 * so the caller's assertion shows it. For what arrives asynchronously (pub/sub invalidations, counters).
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 50 && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}
