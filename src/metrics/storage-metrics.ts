import { statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../logger.ts';
import { scrapeReading } from './scrape-reading.ts';

export interface StorageMetrics {
  /** Starts reading, at every scrape, the space of the volume that holds the local storage folder. */
  observeLocalVolume(dir: string, log: Logger): void;
}

// statfs is a local system call, but on a network mount that has gone away it can hang.
const SCRAPE_READ_TIMEOUT_MS = 1_000;

interface VolumeSpace {
  freeBytes: number;
  sizeBytes: number;
}

export function defineStorageMetrics(registry: Registry): StorageMetrics {
  let volume: () => Promise<VolumeSpace | undefined> = async () => undefined;
  // Labelled so that with the S3 driver, or when the volume cannot be read, no sample is exposed at all.
  const volumeGauge = (name: string, help: string, figure: (space: VolumeSpace) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['volume'],
      registers: [registry],
      async collect() {
        const space = await volume();
        // Cleared and set in one step, so a concurrent scrape never reads the gauge empty.
        this.reset();
        if (space) this.set({ volume: 'storage' }, figure(space));
      },
    });
  volumeGauge(
    'storage_volume_free_bytes',
    'Space left for the app on the volume of the local storage folder (what a non-root writer may still use)',
    (s) => s.freeBytes,
  );
  volumeGauge('storage_volume_size_bytes', 'Total size of the volume of the local storage folder', (s) => s.sizeBytes);
  return {
    observeLocalVolume(dir, log) {
      volume = scrapeReading('storage volume space', () => volumeSpace(dir), { timeoutMs: SCRAPE_READ_TIMEOUT_MS, log });
    },
  };
}

/** The folder is created with the first photo; until then its nearest existing parent is on the same volume. */
async function volumeSpace(dir: string): Promise<VolumeSpace> {
  let path = resolve(dir);
  for (;;) {
    try {
      const stats = await statfs(path);
      return { freeBytes: stats.bavail * stats.bsize, sizeBytes: stats.blocks * stats.bsize };
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT' || dirname(path) === path) throw error;
      path = dirname(path);
    }
  }
}
