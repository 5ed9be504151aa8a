import { crc32 } from 'node:zlib';
import sharp from 'sharp';

/** Deterministic noise over a gradient: compresses like a real photo, unlike a flat colour. */
export function photoPixels(width: number, height: number): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  let seed = 0x2545f491;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      const grain = (seed >>> 24) & 63;
      pixels[i] = (180 + grain * 0.8 + (x * 40) / width) & 255;
      pixels[i + 1] = (110 + grain * 0.6 + (y * 50) / height) & 255;
      pixels[i + 2] = (90 + grain * 0.5) & 255;
    }
  }
  return pixels;
}

export function rawPhoto(width: number, height: number) {
  return sharp(photoPixels(width, height), { raw: { width, height, channels: 3 } });
}

/**
 * A JPEG stored 400×300 with EXIF orientation 6 (display rotated 90° clockwise, so 300×400 upright),
 * a camera make, GPS coordinates, and a red square in the stored top-left corner.
 */
export async function phoneJpegWithGps(): Promise<Buffer> {
  const square = await sharp({ create: { width: 100, height: 100, channels: 3, background: { r: 255, g: 0, b: 0 } } })
    .png()
    .toBuffer();
  return rawPhoto(400, 300)
    .composite([{ input: square, left: 0, top: 0 }])
    .jpeg({ quality: 95 })
    .withMetadata({
      orientation: 6,
      exif: {
        IFD0: { Make: 'AcmePhone', Model: 'X1' },
        // IFD3 is libvips' name for the GPS directory.
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '13/1 45/1 22/1', GPSLongitudeRef: 'E', GPSLongitude: '100/1 30/1 5/1' },
      },
    })
    .toBuffer();
}

/** Whether an EXIF block (as sharp's metadata returns it) points to a GPS directory. */
export function exifHasGps(exif: Buffer | undefined): boolean {
  if (!exif) return false;
  const tiff = exif.toString('latin1', 0, 4) === 'Exif' ? 6 : 0;
  const little = exif.toString('latin1', tiff, tiff + 2) === 'II';
  const u16 = (at: number) => (little ? exif.readUInt16LE(at) : exif.readUInt16BE(at));
  const u32 = (at: number) => (little ? exif.readUInt32LE(at) : exif.readUInt32BE(at));
  const ifd0 = tiff + u32(tiff + 4);
  const entries = u16(ifd0);
  for (let i = 0; i < entries; i++) if (u16(ifd0 + 2 + i * 12) === 0x8825) return true;
  return false;
}

/** The start of an iPhone HEIC file: an ftyp box with brand heic, then filler. */
export function heicBytes(): Buffer {
  const ftyp = Buffer.alloc(24);
  ftyp.writeUInt32BE(24, 0);
  ftyp.write('ftypheic', 4, 'latin1');
  ftyp.writeUInt32BE(0, 12);
  ftyp.write('mif1heic', 16, 'latin1');
  return Buffer.concat([ftyp, Buffer.alloc(4096, 0x11)]);
}

/**
 * A PNG that declares width × height in its header but carries almost no data: the shape of a
 * decompression bomb, built in microseconds instead of gigabytes.
 */
export function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

export async function pixelAt(image: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}
