/**
 * Progress of a long command: a cli-progress bar when the output is a terminal, otherwise a plain
 * line every few seconds (a CI log or a file gets readable lines, not cursor codes).
 */
import { Presets, SingleBar } from 'cli-progress';

export interface ProgressSnapshot {
  /** Work done and total, in the unit of `total` (bytes of the input when known). */
  value: number;
  total?: number;
  /** The counters shown, in order: `read 120, sent 100`. */
  counters: Record<string, number>;
  /** Events per second since the start. */
  rate: number;
}

export interface Progress {
  update(snapshot: ProgressSnapshot): void;
  /** A message above the bar (or a plain line). */
  log(line: string): void;
  stop(): void;
}

export function createProgress(
  stream: NodeJS.WriteStream,
  options: { intervalMs: number; tty?: boolean },
): Progress {
  const tty = options.tty ?? stream.isTTY === true;
  return tty ? new BarProgress(stream) : new LineProgress(stream, options.intervalMs);
}

function countersText(counters: Record<string, number>): string {
  return Object.entries(counters)
    .map(([name, value]) => `${name} ${value}`)
    .join(', ');
}

function eta(snapshot: ProgressSnapshot, elapsedMs: number): string {
  if (!snapshot.total || snapshot.value <= 0) return 'unknown';
  const left = ((snapshot.total - snapshot.value) * elapsedMs) / snapshot.value / 1000;
  return left < 60 ? `${Math.ceil(left)}s` : `${Math.floor(left / 60)}m${Math.ceil(left % 60)}s`;
}

class BarProgress implements Progress {
  private bar: SingleBar | undefined;
  private started = false;
  private readonly startedAt = Date.now();

  constructor(private readonly stream: NodeJS.WriteStream) {}

  /** Without a size (stdin) nothing can fill a bar: then only the counters and the rate show. */
  private create(sized: boolean): SingleBar {
    return new SingleBar(
      {
        stream: this.stream,
        format: sized
          ? '{bar} {percentage}% | {counters} | {rate} events/s | {left} left'
          : '{counters} | {rate} events/s',
        hideCursor: true,
        fps: 5,
        clearOnComplete: false,
      },
      Presets.shades_classic,
    );
  }

  update(snapshot: ProgressSnapshot): void {
    // Time left from bytes read over time spent, as the plain lines say it (cli-progress's own
    // estimate prints a placeholder once the bar is full).
    const payload = {
      counters: countersText(snapshot.counters),
      rate: Math.round(snapshot.rate),
      left: eta(snapshot, Date.now() - this.startedAt),
    };
    if (!this.bar || !this.started) {
      this.bar ??= this.create(snapshot.total !== undefined);
      this.bar.start(snapshot.total ?? 0, snapshot.value, payload);
      this.started = true;
    } else this.bar.update(snapshot.value, payload);
  }

  log(line: string): void {
    if (this.started) this.bar?.stop();
    this.stream.write(`${line}\n`);
    this.started = false;
  }

  stop(): void {
    if (this.started) this.bar?.stop();
    this.started = false;
  }
}

class LineProgress implements Progress {
  private lastAt = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly intervalMs: number,
  ) {}

  update(snapshot: ProgressSnapshot): void {
    const now = Date.now();
    if (now - this.lastAt < this.intervalMs) return;
    this.lastAt = now;
    const percent = snapshot.total ? ` ${Math.floor((100 * snapshot.value) / snapshot.total)}%,` : '';
    this.stream.write(
      `progress:${percent} ${countersText(snapshot.counters)}, ${Math.round(snapshot.rate)} events/s, ` +
        `${eta(snapshot, now - this.startedAt)} left\n`,
    );
  }

  log(line: string): void {
    this.stream.write(`${line}\n`);
  }

  stop(): void {}
}
