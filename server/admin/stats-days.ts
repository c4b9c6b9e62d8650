const DAY = 86_400_000;
const formats = new Map<string, Intl.DateTimeFormat>();

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** Undefined for an IANA time zone this Node knows, else the reason and the fix. */
export function timeZoneProblem(timeZone: string): string | undefined {
  try {
    format(timeZone);
    return undefined;
  } catch {
    return `"${timeZone}" is not an IANA time zone; use e.g. Europe/Berlin, Europe/Vienna or UTC`;
  }
}

/** The wall-clock time in the zone, read as if it were UTC. */
function wallClock(at: number, timeZone: string): number {
  const p = Object.fromEntries(
    format(timeZone)
      .formatToParts(new Date(at))
      .map((x) => [x.type, x.value]),
  );
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second);
}

/** The calendar day (YYYY-MM-DD) an instant falls on in the zone. */
export function localDay(at: number, timeZone: string): string {
  return new Date(wallClock(at, timeZone)).toISOString().slice(0, 10);
}

/** The first instant of a calendar day in the zone: local midnight, or the first time after it where midnight is skipped. */
export function startOfLocalDay(day: string, timeZone: string): number {
  const midnight = Date.parse(`${day}T00:00:00.000Z`);
  // Two rounds settle the offset across a daylight-saving change.
  let at = midnight - (wallClock(midnight, timeZone) - midnight);
  at = midnight - (wallClock(at, timeZone) - at);
  // Where midnight does not exist the guess lands on the day before; step to where the day really starts.
  while (localDay(at, timeZone) < day) at += 60_000 * 15;
  return at;
}

/** The last `count` calendar days in the zone up to today, each with its start and end as UTC ISO strings. */
export function lastLocalDays(
  now: number,
  count: number,
  timeZone: string,
): { day: string; from: string; to: string }[] {
  const today = Date.parse(`${localDay(now, timeZone)}T00:00:00.000Z`);
  const days = Array.from({ length: count + 1 }, (_, i) =>
    new Date(today - (count - 1 - i) * DAY).toISOString().slice(0, 10),
  );
  const starts = days.map((d) => new Date(startOfLocalDay(d, timeZone)).toISOString());
  return days.slice(0, count).map((day, i) => ({ day, from: starts[i], to: starts[i + 1] }));
}
