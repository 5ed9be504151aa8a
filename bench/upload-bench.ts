import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import multipart from '@fastify/multipart';
import Fastify from 'fastify';
import sharp from 'sharp';
import { loadConfig } from '../src/config.ts';
import { registerProblemHandlers } from '../src/http/problem-handler.ts';
import {
  processPhoto,
  THUMBNAIL_LONG_SIDES,
  THUMBNAIL_WEBP_OPTIONS,
  WORKING_JPEG_OPTIONS,
  WORKING_LONG_SIDE,
} from '../src/uploads/photo-pipeline.ts';
import { multipartOptions, readUpload } from '../src/uploads/read-upload.ts';
import { writeBenchReport } from './bench-report.ts';
import { benchOptions } from './bench-options.ts';
import { round, summarise, timed } from './timing.ts';

// A phone-sized upload through the photo pipeline, against a bare sharp pipeline doing the same image
// work (decode, orient, resize to 2560 px JPEG, two WebP thumbnails from the resized copy) on the same
// photo in the same run. Targets (DESIGN.md §5): under 0.5 s, and at most 1.3× the bare pipeline.
const TARGET_MS = 500;
const TARGET_RATIO = 1.3;
const WIDTH = 4000;
const HEIGHT = 3000;

const values = benchOptions('upload bench', {
  numbers: { iterations: 20, warmup: 3 },
  // Internal: the measuring child reads the photo the parent made.
  strings: ['photo'],
});
const { iterations, warmup } = values;
const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const limits = { maxPixels: config.UPLOAD_MAX_PIXELS };

// The photo is made in this process and measured in a fresh child, so the child's peak RSS is the
// pipeline's (plus Node and sharp at rest), not the 36 MB of raw pixels that built the photo.
if (!values.photo) {
  const dir = await mkdtemp(join(tmpdir(), 'bwai-upload-bench-'));
  try {
    const file = join(dir, 'photo.jpg');
    await writeFile(file, await tenMegabytePhoto());
    const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1), '--photo', file], {
      stdio: 'inherit',
    });
    process.exitCode = child.status ?? 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  process.exit();
}
const photo = await readFile(values.photo);
const restingRssMb = round(process.resourceUsage().maxRSS / 1024);
const { upload, close } = await uploadEndpoint();

const pipeline = () => processPhoto(photo, limits);
const viaHttp = () => upload(photo);
for (let i = 0; i < warmup; i++) {
  await bareSharp(photo);
  await bareSharpFromPixels(photo);
  await pipeline();
  await viaHttp();
}
const bareMs: number[] = [];
const barePixelsMs: number[] = [];
const pipelineMs: number[] = [];
const httpMs: number[] = [];
for (let i = 0; i < iterations; i++) {
  // Rotating the order, so that each sees the same moments of a shared machine.
  const runs: [number[], () => Promise<unknown>][] = [
    [bareMs, () => bareSharp(photo)],
    [barePixelsMs, () => bareSharpFromPixels(photo)],
    [pipelineMs, pipeline],
    [httpMs, viaHttp],
  ];
  for (let k = 0; k < runs.length; k++) {
    const [samples, work] = runs[(i + k) % runs.length]!;
    samples.push(await timed(work));
  }
}
await close();

const bare = summarise(bareMs);
const barePixels = summarise(barePixelsMs);
const processed = summarise(pipelineMs);
const http = summarise(httpMs);
const sample = await processPhoto(photo, limits);
const ratioP50 = round(processed.p50 / bare.p50);
const peakRssMb = round(process.resourceUsage().maxRSS / 1024);
const result = {
  at: new Date().toISOString(),
  // The load average and core count say how shared the machine was while the numbers were taken.
  loadAverage: loadavg().map(round),
  cores: cpus().length,
  sharpConcurrency: sharp.concurrency(),
  node: process.version,
  sharp: sharp.versions.sharp,
  iterations,
  warmup,
  photo: { bytes: photo.length, width: WIDTH, height: HEIGHT, orientation: 6, uploadMaxBytes: config.UPLOAD_MAX_BYTES },
  output: {
    working: { bytes: sample.working.length, width: sample.workingWidth, height: sample.workingHeight },
    thumbSmallBytes: sample.thumbnails.small.length,
    thumbMediumBytes: sample.thumbnails.medium.length,
  },
  bareSharp: { what: 'decode, orient, resize to 2560 px JPEG, two WebP thumbnails decoded from that JPEG', ...bare },
  bareSharpFromPixels: {
    what: 'decode, orient, resize to raw pixels; 2560 px JPEG and two WebP thumbnails from them',
    ...barePixels,
  },
  processPhoto: {
    what: 'type check, header pixel check, sha256, decode, orient, strip, sRGB, 2560 px JPEG, two WebP thumbnails',
    ...processed,
  },
  httpUpload: { what: 'multipart body through Fastify inject + readUpload + processPhoto', ...http },
  ratioP50,
  ratioP95: round(processed.p95 / bare.p95),
  ratioToPixelsBaselineP50: round(processed.p50 / barePixels.p50),
  targets: { ms: TARGET_MS, ratio: TARGET_RATIO },
  underTargetMs: processed.p95 < TARGET_MS,
  underTargetRatio: ratioP50 <= TARGET_RATIO,
  memory: { peakRssAtRestMb: restingRssMb, peakRssMb },
};
print(result);
await writeBenchReport('upload', result);

/** The baseline: sharp alone, same sizes and encoder settings, thumbnails (in parallel) from the resized JPEG. */
async function bareSharp(original: Buffer) {
  const working = await sharp(original)
    .autoOrient()
    .resize({ width: WORKING_LONG_SIDE, height: WORKING_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
    .jpeg(WORKING_JPEG_OPTIONS)
    .toBuffer();
  const thumbnail = (side: number) =>
    sharp(working).resize({ width: side, height: side, fit: 'inside' }).webp(THUMBNAIL_WEBP_OPTIONS).toBuffer();
  const [small, medium] = await Promise.all([thumbnail(THUMBNAIL_LONG_SIDES.small), thumbnail(THUMBNAIL_LONG_SIDES.medium)]);
  return { working, small, medium };
}

/**
 * sharp alone shaped like processPhoto (one decode to raw pixels, then the three encodes in parallel)
 * minus every check: the difference to processPhoto is what validation and stripping cost.
 */
async function bareSharpFromPixels(original: Buffer) {
  const { data, info } = await sharp(original)
    .autoOrient()
    .resize({ width: WORKING_LONG_SIDE, height: WORKING_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const thumbnail = (side: number) =>
    sharp(data, raw).resize({ width: side, height: side, fit: 'inside' }).webp(THUMBNAIL_WEBP_OPTIONS).toBuffer();
  const [working, small, medium] = await Promise.all([
    sharp(data, raw).jpeg(WORKING_JPEG_OPTIONS).toBuffer(),
    thumbnail(THUMBNAIL_LONG_SIDES.small),
    thumbnail(THUMBNAIL_LONG_SIDES.medium),
  ]);
  return { working, small, medium };
}

/** The route's path minus auth and storage: multipart parsing with the configured limits, then the pipeline. */
async function uploadEndpoint() {
  const app = Fastify();
  registerProblemHandlers(app);
  await app.register(multipart, multipartOptions(config));
  app.post('/photo', async (request) => {
    const { buffer } = await readUpload(request, config.UPLOAD_MAX_BYTES);
    const processedPhoto = await processPhoto(buffer, limits);
    return { sha256: processedPhoto.sha256 };
  });
  await app.ready();
  const boundary = 'bench-boundary-7f3a9c';
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="IMG_0001.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    async upload(bytes: Buffer) {
      const response = await app.inject({
        method: 'POST',
        url: '/photo',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
        payload: Buffer.concat([head, bytes, tail]),
      });
      if (response.statusCode !== 200) throw new Error(`upload answered ${response.statusCode}: ${response.body}`);
    },
    close: () => app.close(),
  };
}

/**
 * A 4000×3000 JPEG of about 10 MB (a phone's full-quality photo), with EXIF orientation 6 and GPS:
 * gradients plus grain, the grain's strength searched until the file lands just under the upload limit.
 */
async function tenMegabytePhoto(): Promise<Buffer> {
  const want = { min: 9_500_000, max: Math.min(10_400_000, config.UPLOAD_MAX_BYTES) };
  let low = 0;
  let high = 255;
  let best: Buffer | undefined;
  for (let attempt = 0; attempt < 10; attempt++) {
    const grain = (low + high) / 2;
    const jpeg = await sharp(pixels(grain), { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
      .jpeg({ quality: 97, chromaSubsampling: '4:4:4' })
      .withMetadata({
        orientation: 6,
        exif: { IFD0: { Make: 'BenchPhone', Model: 'B1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '13/1 45/1 22/1' } },
      })
      .toBuffer();
    if (jpeg.length <= want.max && (!best || jpeg.length > best.length)) best = jpeg;
    if (jpeg.length >= want.min && jpeg.length <= want.max) return jpeg;
    if (jpeg.length > want.max) high = grain;
    else low = grain;
  }
  if (!best) throw new Error('could not make a test photo under the upload limit');
  return best;
}

function pixels(grain: number): Buffer {
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  let seed = 0x9e3779b9 | 0;
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      const noise = (((seed >>> 24) & 255) / 255 - 0.5) * grain;
      const base = 128 + 60 * Math.sin(x / 400) + 40 * Math.cos(y / 300);
      const i = (y * WIDTH + x) * 3;
      data[i] = clamp(base + 40 + noise);
      data[i + 1] = clamp(base - 10 + noise * 0.9);
      data[i + 2] = clamp(base - 30 + noise * 0.8);
    }
  }
  return data;
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

function print(r: typeof result): void {
  const ms = (v: number) => v.toFixed(1);
  const table = [
    ['case', 'p50 ms', 'p95 ms', 'min ms', 'x bare (p50)'],
    ['bare sharp (baseline)', ms(r.bareSharp.p50), ms(r.bareSharp.p95), ms(r.bareSharp.min), '1.00'],
    [
      'bare sharp, thumbnails from raw pixels',
      ms(r.bareSharpFromPixels.p50),
      ms(r.bareSharpFromPixels.p95),
      ms(r.bareSharpFromPixels.min),
      (r.bareSharpFromPixels.p50 / r.bareSharp.p50).toFixed(2),
    ],
    ['processPhoto', ms(r.processPhoto.p50), ms(r.processPhoto.p95), ms(r.processPhoto.min), r.ratioP50.toFixed(2)],
    [
      'multipart upload + processPhoto',
      ms(r.httpUpload.p50),
      ms(r.httpUpload.p95),
      ms(r.httpUpload.min),
      (r.httpUpload.p50 / r.bareSharp.p50).toFixed(2),
    ],
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const line = (row: string[]) =>
    `  ${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('   ')}`;
  console.log(
    `\nupload bench: ${(r.photo.bytes / 1e6).toFixed(2)} MB ${r.photo.width}×${r.photo.height} JPEG (EXIF orientation 6, GPS), ${r.iterations} runs each, ${r.cores} cores, sharp concurrency ${r.sharpConcurrency}, load ${r.loadAverage.join(' ')}`,
  );
  console.log(line(table[0]!));
  for (const row of table.slice(1)) console.log(line(row));
  console.log(
    `  working copy ${r.output.working.width}×${r.output.working.height} ${(r.output.working.bytes / 1e6).toFixed(2)} MB; thumbnails ${r.output.thumbSmallBytes} B and ${r.output.thumbMediumBytes} B`,
  );
  console.log(
    `  targets: p95 < ${TARGET_MS} ms: ${r.underTargetMs ? 'yes' : 'NO'}; ≤ ${TARGET_RATIO}× bare sharp: ${r.underTargetRatio ? 'yes' : 'NO'} (${r.ratioP50.toFixed(2)}×)`,
  );
  console.log(
    `  peak RSS ${r.memory.peakRssMb.toFixed(0)} MB (${r.memory.peakRssAtRestMb.toFixed(0)} MB with the photo loaded, before any work)`,
  );
  console.log('  wrote bench/results/upload.json\n');
}
