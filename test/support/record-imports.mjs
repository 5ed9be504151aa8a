// Loaded with `node --import` before the app: appends the URL of every module the process resolves
// to the file named by RECORD_IMPORTS_TO, so a test can tell whether a package was ever loaded.
// The same file is the loader hook (off the main thread) and the code that registers it.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

let file;

export function initialize(data) {
  file = data.file;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  // Written synchronously, before the import goes on, so the record is complete when the process is.
  appendFileSync(file, `${resolved.url}\n`);
  return resolved;
}

if (isMainThread && process.env.RECORD_IMPORTS_TO) {
  register(import.meta.url, { data: { file: process.env.RECORD_IMPORTS_TO } });
}
