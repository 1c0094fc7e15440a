/**
 * Time from spawn to the first successful request, `count` starts of each target, alternating: ours
 * on a fresh SQLite file each time (polling `GET /_health`), Prism polled with a real create.
 */
import { join } from 'node:path';
import { ACCESS_TOKEN, startOursProbed } from './ours.js';
import { startPrism } from './prism.js';

export interface Startups {
  ours: number[];
  prism: number[];
}

export async function measureStartups(count: number, scratch: string, probeBody: string): Promise<Startups> {
  const result: Startups = { ours: [], prism: [] };
  for (let i = 0; i < count; i++) {
    const ours = await startOursProbed(join(scratch, `startup-${i}.db`));
    result.ours.push(ours.startMs);
    await ours.stop();
    const prism = await startPrism(probeBody, ACCESS_TOKEN);
    result.prism.push(prism.startMs);
    await prism.stop();
  }
  return result;
}
