/** Dates and times as the UI shows them: in the portal's time zone, with the ISO instant beside. */

export interface ShownTime {
  /** The instant, for `<time datetime>`. */
  iso: string;
  text: string;
}

/** A formatter of instants for one zone (medium date and short time, as people read them). */
export function timeShower(timeZone: string): (ms: number) => ShownTime {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'medium', timeStyle: 'short' });
  return (ms) => ({ iso: new Date(ms).toISOString(), text: format.format(ms) });
}

/** `YYYY-MM-DDTHH:MM:SS` of an instant in the zone: what a `datetime-local` field holds. */
export function localInputValue(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(ms);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}:${part('second')}`;
}
