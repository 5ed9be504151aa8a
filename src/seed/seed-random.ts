import { createHash } from 'node:crypto';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const DAY_MS = 24 * 3600_000;

/**
 * xoshiro128** (Blackman and Vigna): 128 bits of state, so the streams of different names and seeds
 * do not overlap in practice, which matters because ids are drawn from them. Repeatable from its name,
 * unlike the runtime's unseeded generators (including crypto.randomUUID()).
 */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(name: string) {
    const digest = createHash('sha256').update(name).digest();
    this.a = digest.readUInt32LE(0);
    this.b = digest.readUInt32LE(4);
    this.c = digest.readUInt32LE(8);
    this.d = digest.readUInt32LE(12) || 1;
  }

  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** In [0, 1). */
  next(): number {
    return this.uint32() / 0x1_0000_0000;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One of the values, in proportion to its weight. */
  weighted<T>(table: readonly (readonly [T, number])[]): T {
    const total = table.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [value, weight] of table) {
      r -= weight;
      if (r < 0) return value;
    }
    return table[table.length - 1]![0];
  }

  /** A moment in [from, to); `recentBias` > 1 leans towards `to` (sign-ins cluster near the present). */
  between(from: Date, to: Date, recentBias = 1): Date {
    const span = Math.max(0, to.getTime() - from.getTime());
    return new Date(from.getTime() + Math.floor(span * this.next() ** (1 / recentBias)));
  }

  daysBefore(date: Date, minDays: number, maxDays: number): Date {
    return new Date(date.getTime() - minDays * DAY_MS - Math.floor(this.next() * (maxDays - minDays) * DAY_MS));
  }

  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += String(this.uint32() % 10);
    return out;
  }

  bytes(count: number): Uint8Array {
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i += 4) {
      const v = this.uint32();
      for (let j = 0; j < 4 && i + j < count; j++) out[i + j] = (v >>> (8 * j)) & 0xff;
    }
    return out;
  }

  /** A version-4-shaped UUID drawn from this stream (no buffer per id: a hundred thousand of them add up). */
  uuid(): string {
    const a = this.uint32();
    const b = this.uint32();
    const c = this.uint32();
    const d = this.uint32();
    const version = (b & 0x0fff) | 0x4000;
    const variant = ((c >>> 16) & 0x3fff) | 0x8000;
    return `${hex16(a >>> 16)}${hex16(a)}-${hex16(b >>> 16)}-${hex16(version)}-${hex16(variant)}-${hex16(c)}${hex16(d >>> 16)}${hex16(d)}`;
  }
}

function hex16(v: number): string {
  return HEX[(v >>> 8) & 0xff]! + HEX[v & 0xff]!;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
