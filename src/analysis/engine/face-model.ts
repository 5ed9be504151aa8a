import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Config as HumanConfig, Human, Result } from '@vladmandic/human';
import type { io } from '@tensorflow/tfjs-core';
import sharp from 'sharp';

/** Decoded pixels, row-major and interleaved. `channels` defaults to 3 (RGB); 1, 2 (grey, grey+alpha) and 4 (RGBA) are accepted too. */
export interface RgbImage {
  data: Uint8Array | Buffer;
  width: number;
  height: number;
  channels?: number;
}

export type MeshPoint = [x: number, y: number, z: number];

export interface FaceDetection {
  /** [x, y, width, height] in pixels of the image passed to `detect`. */
  box: [number, number, number, number];
  /** 0–1: the detector's and the mesh's combined confidence. */
  score: number;
  /** 0–1: the box detector's own confidence (the mesh can be confident about a false box). */
  detectorScore: number;
  /** The 468 landmarks of the MediaPipe face mesh topology, in pixels (z is relative depth). */
  mesh: MeshPoint[];
  /** The model's age estimate in years, or null when it gave none. */
  age: number | null;
  gender: 'female' | 'male' | null;
  genderScore: number;
}

export interface FaceModel {
  /** How long loading the models took, in milliseconds. */
  readonly loadMs: number;
  /** Faces found in the image, largest first. Each call runs the model: a photo is detected once, by the photo pass. */
  detect(image: RgbImage): Promise<FaceDetection[]>;
}

export const MESH_POINTS = 468;
// Enough to tell one face from several; every detected face costs a mesh and a description pass.
const MAX_FACES = 4;

const require = createRequire(import.meta.url);

interface HumanModule {
  Human: new (config: Partial<HumanConfig>) => Human;
}

/** The parts of tfjs-core (as `human.tf` exposes it) used here: the IO registry and input tensors. */
interface TfIo {
  io: Pick<typeof io, 'getModelArtifactsForJSON'> & {
    // tfjs asks each router in turn and takes the first non-null handler.
    registerLoadRouter(router: (url: string | string[]) => io.IOHandler | null): void;
  };
  tensor3d(values: Uint8Array, shape: [number, number, number], dtype: 'int32'): { dispose(): void };
}

/** A file or folder (`entry`) inside an installed package. */
export function packageFolder(name: string, entry: string): string {
  // Resolve the package's main entry (its exports map hides package.json and the WASM build) and walk up.
  let folder = path.dirname(require.resolve(name));
  while (!folder.endsWith(path.join('node_modules', ...name.split('/')))) {
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error(`cannot locate the ${name} package folder`);
    folder = parent;
  }
  return path.join(folder, entry);
}

/**
 * Node's fetch cannot read file:// URLs and tfjs only ships a file loader with tfjs-node (which needs
 * a native TensorFlow download at install), so model.json files and their weight shards are read
 * from disk by this router.
 */
function registerFileLoader(tf: TfIo): void {
  tf.io.registerLoadRouter((url: string | string[]) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const modelFile = fileURLToPath(url);
    return {
      load: async () => {
        const modelJson = JSON.parse(await readFile(modelFile, 'utf8')) as io.ModelJSON;
        return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
          const specs: io.WeightsManifestEntry[] = [];
          const shards: Buffer[] = [];
          for (const group of manifest) {
            for (const shard of group.paths) shards.push(await readFile(path.join(path.dirname(modelFile), shard)));
            specs.push(...group.weights);
          }
          const all = Buffer.concat(shards);
          return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
        });
      },
    };
  });
}

function humanConfig(): Partial<HumanConfig> {
  const humanFolder = packageFolder('@vladmandic/human', '');
  const off = { enabled: false };
  // Still photos: no frame cache, no skipping; only the face detector, mesh and description (age/gender) run.
  const still = { skipFrames: 0, skipTime: 0 };
  return {
    backend: 'wasm',
    wasmPath: `${packageFolder('@tensorflow/tfjs-backend-wasm', 'dist')}${path.sep}`,
    modelBasePath: `${pathToFileURL(path.join(humanFolder, 'models')).href}/`,
    debug: false,
    async: false,
    warmup: 'none',
    cacheModels: false,
    cacheSensitivity: 0,
    filter: { enabled: false },
    gesture: off,
    body: off,
    hand: off,
    object: off,
    segmentation: off,
    face: {
      enabled: true,
      detector: { ...still, rotation: true, maxDetected: MAX_FACES, minConfidence: 0.2, return: false },
      mesh: { enabled: true },
      // The iris model adds 10 points and ~30 ms; the eyelid contour of the mesh is enough for under-eye regions.
      iris: off,
      description: { ...still, enabled: true },
      emotion: off,
      antispoof: off,
      liveness: off,
      attention: off,
      gear: off,
    },
  } as Partial<HumanConfig>;
}

function toDetection(face: Result['face'][number], offsetX: number, offsetY: number): FaceDetection | null {
  if (face.mesh.length < MESH_POINTS) return null;
  const [x, y, w, h] = face.box;
  const gender = face.gender === 'female' || face.gender === 'male' ? face.gender : null;
  return {
    box: [x - offsetX, y - offsetY, w, h],
    score: face.score,
    detectorScore: face.boxScore,
    mesh: face.mesh.slice(0, MESH_POINTS).map(([px, py, pz]) => [px - offsetX, py - offsetY, pz ?? 0]),
    age: typeof face.age === 'number' && Number.isFinite(face.age) ? face.age : null,
    gender,
    genderScore: gender ? (face.genderScore ?? 0) : 0,
  };
}

/** 3 interleaved channels, whatever the input had. */
export function asRgb(image: RgbImage): Uint8Array {
  const channels = image.channels ?? 3;
  const pixels = image.width * image.height;
  if (image.data.length < pixels * channels)
    throw new Error(`image data holds ${image.data.length} bytes, expected ${pixels * channels}`);
  if (channels === 3) return image.data;
  if (channels !== 1 && channels !== 4 && channels !== 2) throw new Error(`unsupported channel count ${channels}`);
  const rgb = new Uint8Array(pixels * 3);
  const src = image.data;
  for (let i = 0; i < pixels; i++) {
    const o = i * 3;
    if (channels === 4) {
      rgb[o] = src[i * 4]!;
      rgb[o + 1] = src[i * 4 + 1]!;
      rgb[o + 2] = src[i * 4 + 2]!;
    } else {
      const grey = src[i * channels]!;
      rgb[o] = grey;
      rgb[o + 1] = grey;
      rgb[o + 2] = grey;
    }
  }
  return rgb;
}

/**
 * The face detector squeezes its input to a square: faces in a 9:16 portrait or a 2:1 strip come out
 * distorted and are missed (human's own `square` option misplaces the boxes), so the pixels are
 * centred on a black square first and the offsets taken back out of the results.
 */
function squared(
  rgb: Uint8Array,
  width: number,
  height: number,
): { pixels: Uint8Array; side: number; offsetX: number; offsetY: number } {
  if (width === height) return { pixels: rgb, side: width, offsetX: 0, offsetY: 0 };
  const side = Math.max(width, height);
  const offsetX = Math.floor((side - width) / 2);
  const offsetY = Math.floor((side - height) / 2);
  const pixels = new Uint8Array(side * side * 3);
  for (let y = 0; y < height; y++)
    pixels.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), ((y + offsetY) * side + offsetX) * 3);
  return { pixels, side, offsetX, offsetY };
}

/** Decodes a photo to 3-channel sRGB pixels (grey and alpha photos included). */
export async function decodeRgb(photo: Buffer): Promise<Required<RgbImage>> {
  const { data, info } = await sharp(photo).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3 };
}

async function createFaceModel(): Promise<FaceModel> {
  const started = performance.now();
  const { Human: HumanClass } = require(
    packageFolder('@vladmandic/human', path.join('dist', 'human.node-wasm.js')),
  ) as HumanModule;
  const human = new HumanClass(humanConfig());
  registerFileLoader(human.tf as TfIo);
  await human.load();
  // human logs a failed model load and carries on; a face model without its models must not start.
  const missing = ['blazeface', 'facemesh', 'faceres'].filter(
    (name) => !human.models.loaded().some((loaded) => loaded.toLowerCase().includes(name)),
  );
  if (missing.length > 0) throw new Error(`face model: could not load ${missing.join(', ')}`);
  const loadMs = performance.now() - started;

  let queue: Promise<unknown> = Promise.resolve();

  async function run(image: RgbImage): Promise<FaceDetection[]> {
    const rgb = asRgb(image);
    const pixels = new Uint8Array(rgb.buffer, rgb.byteOffset, image.width * image.height * 3);
    const square = squared(pixels, image.width, image.height);
    const tensor = (human.tf as TfIo).tensor3d(square.pixels, [square.side, square.side, 3], 'int32');
    let result: Result;
    try {
      result = await human.detect(tensor as never);
    } finally {
      tensor.dispose();
    }
    if (result.error) throw new Error(`face model: ${result.error}`);
    const faces = result.face
      .map((face) => toDetection(face, square.offsetX, square.offsetY))
      .filter((face): face is FaceDetection => face !== null)
      .sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
    return faces;
  }

  return {
    loadMs,
    detect(image) {
      // One WASM instance, one inference at a time: callers queue rather than interleave inside human.
      const next = queue.then(() => run(image));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

let shared: Promise<FaceModel> | null = null;

/** The process's face model, loaded on first use (~0.3 s) and shared afterwards. */
export function loadFaceModel(): Promise<FaceModel> {
  shared ??= createFaceModel().catch((error: unknown) => {
    shared = null;
    throw error;
  });
  return shared;
}
