/**
 * A small seeded pseudo-random generator (mulberry32), so a randomised test can print its seed and
 * be replayed exactly with it: kill moments, batch sizes and payloads come from here.
 */
export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** The seed from `variable` when set (a replay), else a fresh one. */
  static fromEnv(variable: string): SeededRandom {
    const given = process.env[variable];
    if (given !== undefined && given !== '') {
      const seed = Number(given);
      if (!Number.isInteger(seed)) throw new Error(`${variable} must be an integer, got '${given}'`);
      return new SeededRandom(seed);
    }
    return new SeededRandom(Math.floor(Math.random() * 2 ** 31));
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** A string of `length` letters and digits. */
  text(length: number): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }
}
