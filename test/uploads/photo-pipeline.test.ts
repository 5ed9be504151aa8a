import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors/app-error.ts';
import { detectImageType, photoKeys, processPhoto, type ProcessedPhoto } from '../../src/uploads/photo-pipeline.ts';
import { exifHasGps, heicBytes, phoneJpegWithGps, pixelAt, pngDeclaring, rawPhoto } from './photo-fixtures.ts';

const limits = { maxPixels: 50_000_000 };

async function refusal(bytes: Buffer, photoLimits = limits): Promise<AppError> {
  const error = await processPhoto(bytes, photoLimits).catch((e: unknown) => e);
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

function isRed([r, g, b]: [number, number, number]): boolean {
  return r > 200 && g < 60 && b < 60;
}

describe('a phone photo with orientation and GPS data', () => {
  let original: Buffer;
  let photo: ProcessedPhoto;

  beforeAll(async () => {
    original = await phoneJpegWithGps();
    photo = await processPhoto(original, limits);
  });

  it('the original as uploaded still carries its GPS data (so the test below means something)', async () => {
    const metadata = await sharp(original).metadata();
    expect(exifHasGps(metadata.exif)).toBe(true);
    expect(metadata.orientation).toBe(6);
  });

  it('is reported upright: width and height swapped by the orientation tag', () => {
    expect(photo).toMatchObject({ format: 'jpeg', width: 300, height: 400, workingWidth: 300, workingHeight: 400 });
  });

  it('the working copy is upright: the stored top-left corner is now top-right', async () => {
    expect(isRed(await pixelAt(photo.working, 300 - 20, 20))).toBe(true);
    expect(isRed(await pixelAt(photo.working, 20, 20))).toBe(false);
  });

  it('the working copy and the thumbnails carry no EXIF, GPS, XMP, ICC or orientation tag', async () => {
    for (const image of [photo.working, photo.thumbnails.small, photo.thumbnails.medium]) {
      const metadata = await sharp(image).metadata();
      expect(metadata.exif).toBeUndefined();
      expect(metadata.xmp).toBeUndefined();
      expect(metadata.icc).toBeUndefined();
      expect(metadata.iptc).toBeUndefined();
      expect(metadata.hasProfile).toBe(false);
      expect(metadata.orientation).toBeUndefined();
    }
    expect(photo.working.includes('AcmePhone')).toBe(false);
  });

  it('keeps the original bytes untouched and identifies them by their SHA-256', () => {
    expect(photo.original.equals(original)).toBe(true);
    expect(photo.sha256).toBe(createHash('sha256').update(original).digest('hex'));
  });

  it('the same photo uploaded again gets the same identity', async () => {
    expect((await processPhoto(Buffer.from(original), limits)).sha256).toBe(photo.sha256);
  });
});

describe('a 4000×3000 camera photo', () => {
  let photo: ProcessedPhoto;
  beforeAll(async () => {
    photo = await processPhoto(await rawPhoto(4000, 3000).jpeg({ quality: 92 }).toBuffer(), limits);
  });

  it('gets a 2560 px JPEG working copy', async () => {
    expect(photo).toMatchObject({ width: 4000, height: 3000, workingWidth: 2560, workingHeight: 1920 });
    expect(await sharp(photo.working).metadata()).toMatchObject({
      format: 'jpeg',
      width: 2560,
      height: 1920,
      space: 'srgb',
      channels: 3,
    });
  });

  it('gets WebP thumbnails of 256 and 768 px on the long side', async () => {
    expect(await sharp(photo.thumbnails.small).metadata()).toMatchObject({ format: 'webp', width: 256, height: 192 });
    expect(await sharp(photo.thumbnails.medium).metadata()).toMatchObject({ format: 'webp', width: 768, height: 576 });
  });
});

describe('accepted types', () => {
  it('a PNG with transparency is accepted; transparent areas become white, not black', async () => {
    const png = await sharp({ create: { width: 640, height: 480, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .composite([{ input: await rawPhoto(200, 200).png().toBuffer(), left: 220, top: 140 }])
      .png()
      .toBuffer();
    const photo = await processPhoto(png, limits);
    expect(photo).toMatchObject({ format: 'png', width: 640, height: 480, workingWidth: 640, workingHeight: 480 });
    expect(await pixelAt(photo.working, 5, 5)).toEqual([255, 255, 255]);
  });

  it('a WebP is accepted and a small photo is not enlarged', async () => {
    const photo = await processPhoto(await rawPhoto(1200, 900).webp({ quality: 90 }).toBuffer(), limits);
    expect(photo).toMatchObject({ format: 'webp', width: 1200, height: 900, workingWidth: 1200, workingHeight: 900 });
    expect(await sharp(photo.thumbnails.small).metadata()).toMatchObject({ width: 256, height: 192 });
  });

  it('a 16-bit greyscale PNG comes out as an 8-bit sRGB JPEG', async () => {
    const grey = await rawPhoto(300, 200).greyscale().toColourspace('grey16').png().toBuffer();
    const photo = await processPhoto(grey, limits);
    expect(await sharp(photo.working).metadata()).toMatchObject({ format: 'jpeg', channels: 3, depth: 'uchar', space: 'srgb' });
  });

  it('a Display P3 photo is converted to sRGB and its profile dropped', async () => {
    const colour = { r: 200, g: 100, b: 50 };
    const p3 = await sharp({ create: { width: 64, height: 64, channels: 3, background: colour } })
      .withIccProfile('p3')
      .jpeg({ quality: 100 })
      .toBuffer();
    // Read without colour management these are P3 numbers, visibly different from the sRGB ones.
    const [pr] = await pixelAt(await sharp(p3, { ignoreIcc: true }).png().toBuffer(), 32, 32);
    expect(Math.abs(pr - colour.r)).toBeGreaterThan(6);
    const photo = await processPhoto(p3, limits);
    expect((await sharp(photo.working).metadata()).hasProfile).toBe(false);
    const [r, g, b] = await pixelAt(photo.working, 32, 32);
    expect(Math.abs(r - colour.r)).toBeLessThanOrEqual(4);
    expect(Math.abs(g - colour.g)).toBeLessThanOrEqual(4);
    expect(Math.abs(b - colour.b)).toBeLessThanOrEqual(4);
  });
});

describe('refused files', () => {
  it('a HEIC photo is refused with 415 unsupported-image-type, naming HEIC', async () => {
    const error = await refusal(heicBytes());
    expect(error).toMatchObject({ code: 'unsupported-image-type', status: 415, extra: { detectedType: 'heic' } });
    expect(error.message).toMatch(/HEIC/);
  });

  it('a text file renamed to .jpg is refused with 415', async () => {
    expect(await refusal(Buffer.from('name,phone\nsomchai,0812345678\n'))).toMatchObject({
      code: 'unsupported-image-type',
      status: 415,
    });
  });

  it.each([
    ['SVG', () => Promise.resolve(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'))],
    ['GIF', () => rawPhoto(32, 32).gif().toBuffer()],
    ['AVIF', () => rawPhoto(32, 32).avif().toBuffer()],
    ['TIFF', () => rawPhoto(32, 32).tiff().toBuffer()],
  ])('an image type sharp could decode but we do not accept (%s) is refused with 415', async (_name, make) => {
    expect(await refusal(await make())).toMatchObject({ code: 'unsupported-image-type' });
  });

  it('an empty file is refused with 415', async () => {
    expect(await refusal(Buffer.alloc(0))).toMatchObject({ code: 'unsupported-image-type' });
  });

  it('a 20000×20000 PNG (decompression bomb) is refused with 422 image-too-large-pixels', async () => {
    const error = await refusal(pngDeclaring(20_000, 20_000));
    expect(error).toMatchObject({ code: 'image-too-large-pixels', status: 422, extra: { maxPixels: 50_000_000 } });
  });

  it('the pixel limit is the configured one', async () => {
    const jpeg = await rawPhoto(1000, 1000).jpeg().toBuffer();
    expect(await refusal(jpeg, { maxPixels: 999_999 })).toMatchObject({ code: 'image-too-large-pixels' });
    await expect(processPhoto(jpeg, { maxPixels: 1_000_000 })).resolves.toMatchObject({ width: 1000 });
  });

  it('a JPEG cut off half way is refused with 422 image-unreadable', async () => {
    const jpeg = await rawPhoto(800, 600).jpeg({ quality: 90 }).toBuffer();
    expect(await refusal(jpeg.subarray(0, jpeg.length >> 1))).toMatchObject({ code: 'image-unreadable', status: 422 });
  });

  it('JPEG magic bytes followed by garbage are refused with 422 image-unreadable', async () => {
    expect(await refusal(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(4096, 0x5a)]))).toMatchObject({
      code: 'image-unreadable',
    });
  });
});

describe('image type detection', () => {
  it('reads the type from the bytes', async () => {
    expect(detectImageType(await rawPhoto(8, 8).jpeg().toBuffer())).toBe('jpeg');
    expect(detectImageType(await rawPhoto(8, 8).png().toBuffer())).toBe('png');
    expect(detectImageType(await rawPhoto(8, 8).webp().toBuffer())).toBe('webp');
    expect(detectImageType(heicBytes())).toBe('heic');
    expect(detectImageType(await rawPhoto(8, 8).avif().toBuffer())).toBeNull();
    expect(detectImageType(Buffer.from('RIFF....WAVEfmt '))).toBeNull();
  });
});

describe('photo object keys', () => {
  const clinicId = '6f1c2a9e-3b7d-4c1e-9a2f-0d8e7b6a5c41';
  const sha256 = 'a'.repeat(64);

  it('are addressed by clinic and content', () => {
    expect(photoKeys(clinicId, sha256, 'jpeg')).toEqual({
      original: `clinics/${clinicId}/photos/${sha256}/original.jpg`,
      working: `clinics/${clinicId}/photos/${sha256}/working.jpg`,
      thumbSmall: `clinics/${clinicId}/photos/${sha256}/thumb-256.webp`,
      thumbMedium: `clinics/${clinicId}/photos/${sha256}/thumb-768.webp`,
    });
    expect(photoKeys(clinicId, sha256, 'png').original).toMatch(/original\.png$/);
    expect(photoKeys(clinicId, sha256, 'webp').original).toMatch(/original\.webp$/);
  });

  it.each([
    ['../other-clinic', sha256, 'jpeg'],
    [clinicId, '../../x', 'jpeg'],
    [clinicId, sha256, 'heic'],
    [clinicId, sha256, 'toString'],
  ])('refuse anything that is not a clinic id, a hash and an accepted format (%s, %s, %s)', (c, s, f) => {
    expect(() => photoKeys(c, s, f)).toThrow();
  });
});
