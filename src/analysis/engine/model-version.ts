import { readFileSync } from 'node:fs';
import { packageFolder } from './face-model.ts';

/**
 * The local analyser's own measures and calibration. Bump it whenever a measure, a threshold or a
 * score mapping changes; the face-model packages' versions are added to it from what is installed.
 */
export const LOCAL_MEASURES_VERSION = 'local-cv-1.2';

/** The packages whose models and numerics decide the face, its mesh and its age: an upgrade of either can move scores. */
const FACE_MODEL_PACKAGES = { human: '@vladmandic/human', 'tfjs-wasm': '@tensorflow/tfjs-backend-wasm' } as const;

function installedVersion(name: string): string {
  const manifest = JSON.parse(readFileSync(packageFolder(name, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof manifest.version !== 'string') throw new Error(`${name}: its package.json names no version`);
  return manifest.version;
}

/** e.g. `local-cv-1.2+human-3.3.6+tfjs-wasm-4.22.0`, read once when the process starts. */
export const LOCAL_MODEL_VERSION = [
  LOCAL_MEASURES_VERSION,
  ...Object.entries(FACE_MODEL_PACKAGES).map(([label, name]) => `${label}-${installedVersion(name)}`),
].join('+');
