export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  type: string;
  help: string;
  samples: Map<string, Sample[]>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?(?:[0-9.e+-]+|NaN|\+Inf|-Inf))$/;
const LABELS = /^(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*"(?:,|$))*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * A strict reader of the Prometheus text format (0.0.4) for tests: every sample must belong to a family declared by
 * # HELP and # TYPE before it, and every line must parse; anything else throws with the line.
 */
export function parsePrometheusText(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const familyOf = (sample: string) =>
    families.get(sample) ??
    families.get(sample.replace(/_(bucket|sum|count)$/, '')) ??
    families.get(sample.replace(/_total$/, ''));
  for (const line of text.split('\n')) {
    if (!line) continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta) {
      const family = families.get(meta[2]) ?? { type: '', help: '', samples: new Map() };
      if (meta[1] === 'HELP') family.help = meta[3];
      else family.type = meta[3];
      families.set(meta[2], family);
      continue;
    }
    const m = SAMPLE.exec(line);
    if (!m || (m[2] !== undefined && !LABELS.test(m[2]))) throw new Error(`not a Prometheus sample line: ${line}`);
    const family = familyOf(m[1]);
    if (!family?.type || !family.help) throw new Error(`sample without # HELP and # TYPE: ${line}`);
    const labels = Object.fromEntries([...(m[2] ?? '').matchAll(LABEL)].map((l) => [l[1], l[2]]));
    const list = family.samples.get(m[1]) ?? [];
    list.push({ labels, value: Number(m[3]) });
    family.samples.set(m[1], list);
  }
  return families;
}

/** The value of one sample (0 when the series is absent), matching the given labels. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  for (const family of families.values()) {
    const hit = family.samples.get(name)?.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    if (hit) return hit.value;
  }
  return 0;
}
