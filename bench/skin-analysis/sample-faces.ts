import type { FaceModel } from '../../src/analysis/engine/face-model.ts';
import { assessQuality } from '../../src/analysis/engine/quality-gate.ts';
import { deriveFacePhotos, type DerivedFace } from '../../test/analysis/face-photos.ts';

/**
 * `count` faces taking turns across the sample photos, the largest face of each first, so no one group
 * photo (its light, its camera) dominates a bench.
 */
export function pickSpread(all: DerivedFace[], count: number): DerivedFace[] {
  const bySample = new Map<string, DerivedFace[]>();
  for (const face of all) {
    const sample = face.name.split('-')[0]!;
    bySample.set(sample, [...(bySample.get(sample) ?? []), face]);
  }
  const picked: DerivedFace[] = [];
  for (let rank = 0; picked.length < count && rank < 10; rank++)
    for (const group of bySample.values()) if (group[rank] && picked.length < count) picked.push(group[rank]!);
  return picked;
}

/**
 * The faces a bench analyses: 1,080 px crops of the sample photos that the quality gate accepts as they are
 * (it refuses the crops under coloured stage light), spread over the photos.
 */
export async function acceptedSampleFaces(model: FaceModel, count: number): Promise<DerivedFace[]> {
  const derived = await deriveFacePhotos(model);
  return pickSpread(
    derived.filter((face) => assessQuality(face.pixels, face.faces).passed),
    count,
  );
}
