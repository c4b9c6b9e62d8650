/** The stored attribution as an object; a value that is not JSON is kept as `raw` rather than lost. */
export function parseSource(text: string | null): Record<string, string> | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch {
    return { raw: text };
  }
}
