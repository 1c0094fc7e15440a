/** The servers of a `--vs-prism` run, stopped through one place that records their peak memory first. */
import { peakRssMb, type ServerProcess } from './processes.js';

export type Target = 'ours' | 'prism';
export const TARGETS: readonly Target[] = ['ours', 'prism'];

export interface Peak {
  target: Target;
  phase: string;
  mb: number;
}

export class Targets {
  private readonly running: Partial<Record<Target, { server: ServerProcess; phase: string }>> = {};
  readonly peaks: Peak[] = [];

  /** Registers `server` as the running `target` (stopping the previous one). */
  async set(target: Target, server: ServerProcess, phase: string): Promise<ServerProcess> {
    await this.stop(target);
    this.running[target] = { server, phase };
    return server;
  }

  url(target: Target): string {
    const entry = this.running[target];
    if (!entry) throw new Error(`${target} is not running`);
    return entry.server.url;
  }

  /** Stops `target` after reading its VmHWM (peak resident memory over the process's life). */
  async stop(target: Target): Promise<void> {
    const entry = this.running[target];
    if (!entry) return;
    delete this.running[target];
    const mb = await peakRssMb(entry.server.child.pid);
    if (mb !== undefined) this.peaks.push({ target, phase: entry.phase, mb });
    await entry.server.stop();
  }

  async stopAll(): Promise<void> {
    for (const target of TARGETS) await this.stop(target);
  }

  /** `ours 257 MB (empty db), 301 MB (preloaded)`: the largest process of each phase. */
  describePeaks(target: Target): string {
    const byPhase = new Map<string, number>();
    for (const p of this.peaks)
      if (p.target === target) byPhase.set(p.phase, Math.max(p.mb, byPhase.get(p.phase) ?? 0));
    if (byPhase.size === 0) return '?';
    return [...byPhase].map(([phase, mb]) => `${mb.toFixed(0)} MB (${phase})`).join(', ');
  }
}
