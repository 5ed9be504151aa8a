import { loadFaceModel } from '../src/analysis/engine/face-model.ts';
import { itaBand, type ItaBand } from '../src/analysis/engine/local/colour.ts';
import { fillPolygon, ovalExtent, REGION_LANDMARKS } from '../src/analysis/engine/local/regions.ts';
import { CONCERNS, type Concern } from '../src/analysis/skin-analyzer.ts';
import type { DerivedFace } from '../test/analysis/face-photos.ts';
import { benchOptions } from './bench-options.ts';
import { writeBenchReport } from './bench-report.ts';
import { captureAnalyser } from './skin-analysis/analyse-capture.ts';
import { DOSES, FACE_OVAL_MM, type Dose } from './skin-analysis/dose-plan.ts';
import { acceptedSampleFaces } from './skin-analysis/sample-faces.ts';
import type { StimulusMask } from './skin-analysis/skin-stimuli.ts';
import { round } from './timing.ts';

// Does each score follow the amount of its concern? Controlled amounts of each concern are drawn onto real
// faces (bench/skin-analysis/dose-plan.ts: nested doses from none to plainly visible) and analysed. Per
// concern and face: whether the score never rises as the amount grows (monotonic), how far it falls over
// the whole range, the least-squares slope in points per dose step, and whether it stays at the ceiling
// (95 or more) even at the largest dose. The baseline in the same run is the face with nothing drawn. The
// other concerns' largest move says how specific a measure is: spots should not move the pores score.
// Slopes are reported per ITA° band of the faces as they are; the sample faces are all of young women.
const CEILING = 95;

const { faces: faceCount } = benchOptions('dose-response bench', { numbers: { faces: 4 } });

const model = await loadFaceModel();
const analyse = captureAnalyser(model);
const faces = await acceptedSampleFaces(model, faceCount);
process.stdout.write(
  `dose-response bench: ${faces.length} faces × ${DOSES.length} concerns × ${DOSES[0]!.amounts.length} doses\n`,
);

/** Where `dose` draws on `face`: its regions' mesh polygons, filled. */
function maskFor(face: DerivedFace, dose: Dose): StimulusMask {
  const { width, height } = face.pixels;
  const data = new Uint8Array(width * height);
  const mesh = face.faces[0]!.mesh;
  for (const region of dose.regions)
    fillPolygon(
      data,
      width,
      height,
      REGION_LANDMARKS[region].map((i) => [mesh[i]![0], mesh[i]![1]] as const),
      1,
    );
  return { data, width, height };
}

interface Curve {
  concern: Concern;
  face: string;
  band: ItaBand;
  amounts: readonly number[];
  /** The concern's score at each amount; null where not measured or refused. */
  scores: (number | null)[];
  /** The largest move of any other concern's score over the range, in points. */
  crossTalk: { concern: Concern; points: number } | null;
}

const curves: Curve[] = [];
for (const [i, face] of faces.entries()) {
  const started = performance.now();
  const [left, , right] = ovalExtent(face.faces[0]!.mesh);
  const pxPerMm = (right - left) / FACE_OVAL_MM;
  const plain = await analyse(face.pixels);
  if (!plain.scores || plain.ita === null)
    throw new Error(`dose-response bench: ${face.name} was refused as it is: ${plain.refused.join(', ')}`);
  const band = itaBand(plain.ita);
  for (const dose of DOSES) {
    const mask = maskFor(face, dose);
    const runs = [plain];
    for (const amount of dose.amounts.slice(1)) runs.push(await analyse(dose.draw(face.pixels, mask, amount, pxPerMm)));
    const others = CONCERNS.filter((c) => c !== dose.concern).map((concern) => {
      const values = runs.map((r) => r.scores?.[concern]).filter((v): v is number => typeof v === 'number');
      return { concern, points: values.length ? Math.max(...values) - Math.min(...values) : 0 };
    });
    curves.push({
      concern: dose.concern,
      face: face.name,
      band,
      amounts: dose.amounts,
      scores: runs.map((r) => r.scores?.[dose.concern] ?? null),
      crossTalk: others.sort((a, b) => b.points - a.points)[0] ?? null,
    });
  }
  process.stdout.write(`  ${i + 1}/${faces.length} ${face.name} (${band}): ${Math.round(performance.now() - started)} ms\n`);
}

/** Least-squares slope of score against the dose's step (0, 1, 2...), in points per step. */
function slope(scores: (number | null)[]): number {
  const points = scores.flatMap((s, x) => (s === null ? [] : [[x, s] as const]));
  if (points.length < 2) return Number.NaN;
  const mx = points.reduce((a, [x]) => a + x, 0) / points.length;
  const my = points.reduce((a, [, y]) => a + y, 0) / points.length;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxy / sxx;
}
const monotonic = (scores: (number | null)[]) =>
  scores.every((s, i) => i === 0 || s === null || scores[i - 1] === null || s <= scores[i - 1]!);

const rows = DOSES.map((dose) => {
  const mine = curves.filter((c) => c.concern === dose.concern);
  const bands = [...new Set(mine.map((c) => c.band))];
  const falls = mine.map((c) => (c.scores[0] ?? Number.NaN) - (c.scores.at(-1) ?? Number.NaN));
  return {
    concern: dose.concern,
    unit: dose.unit,
    amounts: dose.amounts,
    monotonicFaces: mine.filter((c) => monotonic(c.scores)).length,
    faces: mine.length,
    meanFall: round(falls.reduce((a, b) => a + b, 0) / falls.length),
    meanSlope: round(mine.map((c) => slope(c.scores)).reduce((a, b) => a + b, 0) / mine.length),
    slopeByBand: Object.fromEntries(
      bands.map((band) => {
        const inBand = mine.filter((c) => c.band === band);
        return [band, round(inBand.map((c) => slope(c.scores)).reduce((a, b) => a + b, 0) / inBand.length)];
      }),
    ),
    atCeilingFaces: mine.filter((c) => (c.scores.at(-1) ?? 0) >= CEILING).length,
    worstCrossTalk:
      mine
        .map((c) => c.crossTalk)
        .filter((x) => x !== null)
        .sort((a, b) => b.points - a.points)[0] ?? null,
  };
});

console.table(
  rows.map((r) => ({
    concern: r.concern,
    dose: `${r.amounts.join(' / ')} ${r.unit}`,
    'monotonic faces': `${r.monotonicFaces}/${r.faces}`,
    'mean fall (points)': r.meanFall,
    'slope (points/step)': r.meanSlope,
    [`still ≥ ${CEILING} at top dose`]: `${r.atCeilingFaces}/${r.faces}`,
    'largest other concern move': r.worstCrossTalk ? `${r.worstCrossTalk.concern} ${r.worstCrossTalk.points}` : '-',
    'slope by ITA° band': Object.entries(r.slopeByBand)
      .map(([band, s]) => `${band} ${s}`)
      .join(', '),
  })),
);
const path = await writeBenchReport('dose-response', {
  faces: faces.map((f) => f.name),
  ceiling: CEILING,
  concerns: rows,
  curves,
  notMeasuredHere: CONCERNS.filter((c) => !DOSES.some((d) => d.concern === c)),
  note: 'All sample faces are of young women (face-api demo photos): per-band slopes cover the bands those faces fall in.',
});
const good = rows.filter((r) => r.monotonicFaces === r.faces && r.atCeilingFaces === 0 && r.meanFall > 0).length;
console.log(`${good} of ${rows.length} concerns fall monotonically and leave the ceiling on every face; written: ${path}`);
