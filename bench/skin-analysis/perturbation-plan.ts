import { exposure, jpegRoundTrip, rescale, tilt, whiteBalance, type RgbPixels } from './capture-perturbations.ts';

// The captures of one face the repeatability bench analyses: the photo as taken, then each perturbation
// on its own across its range, so the report can say which of them moves a score most. Scale is relative
// to the photo as taken; the analyser's gate decides which sizes it accepts, and the bench counts the
// refused ones apart.

export type PerturbationFamily = 'as taken' | 'scale' | 'exposure' | 'white balance' | 'jpeg' | 'tilt' | 'landmarks';

export interface Capture {
  family: PerturbationFamily;
  /** e.g. `scale ×1.5`, `exposure +0.3 EV`. */
  label: string;
  make: (taken: RgbPixels) => Promise<RgbPixels>;
  /** Landmarks moved by up to `px` before the analyser reads them: two detections of one face differ by about a pixel. */
  meshJitter?: { px: number; seed: number };
}

const signed = (v: number) => (v > 0 ? `+${v}` : String(v));

export const CAPTURES: readonly Capture[] = [
  { family: 'as taken', label: 'as taken', make: async (taken) => taken },
  ...[0.5, 0.75, 1.5, 2, 2.5].map((factor): Capture => ({
    family: 'scale',
    label: `scale ×${factor}`,
    make: (taken) => rescale(taken, factor),
  })),
  ...[-0.3, -0.15, 0.15, 0.3].map((ev): Capture => ({
    family: 'exposure',
    label: `exposure ${signed(ev)} EV`,
    make: async (taken) => exposure(taken, ev),
  })),
  ...[3000, 4000, 5000].map((kelvin): Capture => ({
    family: 'white balance',
    label: `light ${kelvin} K`,
    make: async (taken) => whiteBalance(taken, kelvin),
  })),
  ...[70, 80, 95].map((quality): Capture => ({
    family: 'jpeg',
    label: `JPEG q${quality}`,
    make: (taken) => jpegRoundTrip(taken, quality),
  })),
  ...[-3, -1, 1, 3].map((degrees): Capture => ({
    family: 'tilt',
    label: `tilt ${signed(degrees)}°`,
    make: (taken) => tilt(taken, degrees),
  })),
  ...[1, 2].flatMap((px) =>
    [1, 2].map((seed): Capture => ({
      family: 'landmarks',
      label: `landmarks ±${px} px (${seed})`,
      make: async (taken) => taken,
      meshJitter: { px, seed },
    })),
  ),
];
