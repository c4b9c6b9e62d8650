/** Topic (folded) to the addresses its leads are mailed to, from SALES_ROUTES. */
export type SalesRoutes = ReadonlyMap<string, readonly string[]>;

const PLAIN_ADDRESS = /^[^\s@,;=<>"]+@[^\s@,;=<>"]+\.[^\s@,;=<>"]+$/;
const EXAMPLE = 'SALES_ROUTES="KI-Strategie=strategie@firma.de;Schulungen=akademie@firma.de,leitung@firma.de"';

export const isPlainAddress = (value: string) => PLAIN_ADDRESS.test(value);

/** How topics are compared: trimmed, Unicode-normalised, case-insensitive. */
export const foldTopic = (topic: string) => topic.normalize('NFC').trim().toLowerCase();

/** Parses `topic=address[,address];topic=address`; a bad route yields the reason and the fix. */
export function parseSalesRoutes(
  value: string | undefined,
): { ok: true; routes: SalesRoutes } | { ok: false; reason: string } {
  const routes = new Map<string, string[]>();
  const bad = (why: string) => ({ ok: false as const, reason: `${why}; write it as ${EXAMPLE}` });
  for (const raw of (value ?? '').split(';')) {
    if (!raw.trim()) continue;
    const eq = raw.indexOf('=');
    if (eq < 0) return bad(`"${raw.trim()}" has no "=" between the topic and its addresses`);
    const topic = raw.slice(0, eq).trim();
    if (!topic) return bad(`"${raw.trim()}" has an empty topic`);
    const key = foldTopic(topic);
    if (routes.has(key)) return bad(`the topic "${topic}" is listed twice (topics are compared ignoring case)`);
    const addresses = raw
      .slice(eq + 1)
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    if (!addresses.length) return bad(`the topic "${topic}" has no address`);
    const wrong = addresses.find((a) => !isPlainAddress(a));
    if (wrong) return bad(`"${wrong}" (topic "${topic}") is not a plain email address`);
    routes.set(key, [...new Set(addresses)]);
  }
  return { ok: true, routes };
}

/** The route's addresses when the topic has one, else the sales inbox. */
export function recipientsFor(
  topic: string | undefined | null,
  routes: SalesRoutes,
  salesInbox: readonly string[],
): string[] {
  const routed = topic ? routes.get(foldTopic(topic)) : undefined;
  return [...(routed ?? salesInbox)];
}

/** leads.recipients as a list; null when the lead predates routing or the value is damaged. */
export function parseRecipients(raw: string | null): string[] | null {
  if (!raw) return null;
  try {
    const list: unknown = JSON.parse(raw);
    return Array.isArray(list) && list.length && list.every((a) => typeof a === 'string') ? list : null;
  } catch {
    return null;
  }
}

/** The recipients stored with a lead; without them (older leads) today's sales inbox, so no mail is lost. */
export function storedRecipients(raw: string | null, salesInbox: readonly string[]): string[] {
  return parseRecipients(raw) ?? [...salesInbox];
}
