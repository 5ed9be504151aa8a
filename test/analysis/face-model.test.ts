import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeRgb, loadFaceModel, MESH_POINTS, type FaceModel } from '../../src/analysis/engine/face-model.ts';
import { samplePhoto } from './face-photos.ts';

let model: FaceModel;

beforeAll(async () => {
  model = await loadFaceModel();
}, 60_000);

describe('the face model', () => {
  it('finds each face of a group photo with a box, a 468-point mesh inside it, an age and a gender', async () => {
    const photo = await decodeRgb(await sharp(samplePhoto(1)).toBuffer());
    const faces = await model.detect(photo);
    expect(faces).toHaveLength(3);
    for (const face of faces) {
      const [x, y, w, h] = face.box;
      expect(w).toBeGreaterThan(150);
      expect(face.score).toBeGreaterThan(0.9);
      expect(face.mesh).toHaveLength(MESH_POINTS);
      const inside = face.mesh.filter(([px, py]) => px >= x && px <= x + w && py >= y && py <= y + h);
      expect(inside.length).toBeGreaterThan(0.95 * MESH_POINTS);
      // Every face in the sample photos is a young woman.
      expect(face.age).toBeGreaterThan(15);
      expect(face.age).toBeLessThan(40);
      expect(face.gender).toBe('female');
    }
    const widths = faces.map((face) => face.box[2]);
    expect(widths).toEqual([...widths].sort((a, b) => b - a));
  });

  it('is loaded once per process', async () => {
    expect(await loadFaceModel()).toBe(model);
    expect(model.loadMs).toBeGreaterThan(0);
  });

  it('reads grey and RGBA pixels as well as RGB', async () => {
    const crop = sharp(samplePhoto(1)).extract({ left: 700, top: 300, width: 500, height: 500 });
    const rgb = await decodeRgb(await crop.clone().jpeg().toBuffer());
    const grey = await crop.clone().grayscale().raw().toBuffer({ resolveWithObject: true });
    const rgba = await crop.clone().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const [expected] = await model.detect(rgb);
    for (const { data, info } of [grey, rgba]) {
      const [face] = await model.detect({ data, width: info.width, height: info.height, channels: info.channels });
      expect(face, `${info.channels} channels`).toBeDefined();
      expect(Math.abs(face!.box[0] - expected!.box[0])).toBeLessThan(20);
    }
  });
});
