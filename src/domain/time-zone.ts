/** Whether `zone` is an IANA time zone this Node.js knows (as `Intl` decides; it has no list to ask). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
