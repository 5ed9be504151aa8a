import { createHash } from 'node:crypto';
import sharp, { type Metadata, type SharpOptions } from 'sharp';
import { AppError } from '../errors/app-error.ts';

export type PhotoFormat = 'jpeg' | 'png' | 'webp';
export type DetectedImageType = PhotoFormat | 'heic';

export const WORKING_LONG_SIDE = 2560;
export const THUMBNAIL_LONG_SIDES = { small: 256, medium: 768 } as const;
// The analysers read pore and texture detail from the working copy, so it is kept at high quality.
export const WORKING_JPEG_OPTIONS = { quality: 90 } as const;
export const THUMBNAIL_WEBP_OPTIONS = { quality: 80 } as const;

export interface PhotoLimits {
  /** width × height of the stored photo; larger ones are refused before any pixel is decoded. */
  maxPixels: number;
}

export interface ProcessedPhoto {
  /** Hex SHA-256 of the original bytes as uploaded: the photo's identity in storage. */
  sha256: string;
  format: PhotoFormat;
  /** Size of the original once its EXIF orientation is applied. */
  width: number;
  height: number;
  /** The bytes as uploaded, kept privately (they may carry EXIF and GPS data). */
  original: Buffer;
  /** JPEG in sRGB, orientation applied, long side at most WORKING_LONG_SIDE, no metadata at all. */
  working: Buffer;
  workingWidth: number;
  workingHeight: number;
  /** WebP, made from the working copy's pixels, so they carry nothing the working copy does not. */
  thumbnails: { small: Buffer; medium: Buffer };
}

export interface PhotoKeys {
  original: string;
  working: string;
  thumbSmall: string;
  thumbMedium: string;
}

const EXTENSIONS: Record<PhotoFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Object keys of one photo, addressed by its content: the same photo uploaded twice to a clinic is
 * stored once. A photo's objects are shared by every analysis of it, so delete them only when no
 * analysis refers to the hash any more.
 */
export function photoKeys(clinicId: string, sha256: string, format: string): PhotoKeys {
  if (!UUID.test(clinicId)) throw new Error('photoKeys: clinicId must be a uuid');
  if (!SHA256_HEX.test(sha256)) throw new Error('photoKeys: sha256 must be 64 lowercase hex digits');
  if (!isPhotoFormat(format)) throw new Error(`photoKeys: unknown photo format ${JSON.stringify(format)}`);
  const prefix = `clinics/${clinicId.toLowerCase()}/photos/${sha256}`;
  return {
    original: `${prefix}/original.${EXTENSIONS[format]}`,
    working: `${prefix}/working.jpg`,
    thumbSmall: `${prefix}/thumb-${THUMBNAIL_LONG_SIDES.small}.webp`,
    thumbMedium: `${prefix}/thumb-${THUMBNAIL_LONG_SIDES.medium}.webp`,
  };
}

function isPhotoFormat(format: string): format is PhotoFormat {
  return Object.hasOwn(EXTENSIONS, format);
}

// ISO-BMFF brands of HEVC-coded HEIF; AVIF and other HEIF flavours are not photos we accept either.
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);

/** The image type from the file's first bytes; the file name and the client's content type are not trusted. */
export function detectImageType(bytes: Buffer): DetectedImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP')
    return 'webp';
  if (bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp') {
    // The major brand, then the compatible brands up to the end of the ftyp box.
    const boxEnd = Math.min(bytes.readUInt32BE(0), bytes.length, 256);
    const brands = [bytes.toString('latin1', 8, 12)];
    for (let at = 16; at + 4 <= boxEnd; at += 4) brands.push(bytes.toString('latin1', at, at + 4));
    if (brands.some((brand) => HEIC_BRANDS.has(brand))) return 'heic';
  }
  return null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Checks an uploaded photo and derives what the platform stores: a normalised working copy for the
 * analysers and two thumbnails for lists. Throws AppError `unsupported-image-type` (415),
 * `image-too-large-pixels` (422) or `image-unreadable` (422).
 */
export async function processPhoto(original: Buffer, limits: PhotoLimits): Promise<ProcessedPhoto> {
  const format = acceptedFormatOf(original);
  const { width, height } = await orientedSize(original, format, limits);
  // libvips decodes on its own threads; hashing meanwhile on this one hides the hash's cost.
  const decoding = decodeWorkingPixels(original, limits);
  const sha256 = createHash('sha256').update(original).digest('hex');
  const { data, info } = await decoding;
  const pixels = { raw: { width: info.width, height: info.height, channels: info.channels } };
  const [working, small, medium] = await Promise.all([
    sharp(data, pixels).jpeg(WORKING_JPEG_OPTIONS).toBuffer(),
    thumbnail(data, pixels, THUMBNAIL_LONG_SIDES.small),
    thumbnail(data, pixels, THUMBNAIL_LONG_SIDES.medium),
  ]);
  return {
    sha256,
    format,
    width,
    height,
    original,
    working,
    workingWidth: info.width,
    workingHeight: info.height,
    thumbnails: { small, medium },
  };
}

function acceptedFormatOf(bytes: Buffer): PhotoFormat {
  const type = detectImageType(bytes);
  if (type === 'heic') {
    throw new AppError(
      'unsupported-image-type',
      'HEIC photos cannot be read yet: send JPEG, PNG or WebP (on an iPhone, export as JPEG or set Camera › Formats to "Most Compatible").',
      { detectedType: 'heic' },
    );
  }
  if (!type) throw new AppError('unsupported-image-type', 'The file is not a JPEG, PNG or WebP image.');
  return type;
}

/** From the header alone, so a decompression bomb is refused before a single pixel is decoded. */
async function orientedSize(bytes: Buffer, format: PhotoFormat, limits: PhotoLimits): Promise<{ width: number; height: number }> {
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch {
    throw new AppError('image-unreadable');
  }
  if (metadata.format !== format || !metadata.width || !metadata.height) throw new AppError('image-unreadable');
  if (metadata.width * metadata.height > limits.maxPixels) {
    throw new AppError(
      'image-too-large-pixels',
      `The photo is ${metadata.width}×${metadata.height} pixels; at most ${limits.maxPixels} pixels are accepted.`,
      { maxPixels: limits.maxPixels },
    );
  }
  return metadata.autoOrient;
}

/**
 * Orientation applied, sRGB (an embedded profile such as Display P3 is converted, then dropped),
 * transparency on white, 8-bit RGB. Raw pixels carry no metadata, so nothing from the original's
 * EXIF, GPS, XMP or ICC data can reach the working copy or the thumbnails.
 */
async function decodeWorkingPixels(bytes: Buffer, limits: PhotoLimits) {
  try {
    return await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error' })
      .autoOrient()
      .resize({ width: WORKING_LONG_SIDE, height: WORKING_LONG_SIDE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch {
    throw new AppError('image-unreadable');
  }
}

function thumbnail(data: Buffer, pixels: SharpOptions, longSide: number): Promise<Buffer> {
  return sharp(data, pixels)
    .resize({ width: longSide, height: longSide, fit: 'inside', withoutEnlargement: true })
    .webp(THUMBNAIL_WEBP_OPTIONS)
    .toBuffer();
}
