import { SLACK, targetProblem } from './targets.ts';

export interface WebhookEnv {
  NODE_ENV?: string;
  WEBHOOK_URLS: string[];
  WEBHOOK_SECRET?: string;
}

export interface SettingIssue {
  variable: 'WEBHOOK_URLS' | 'WEBHOOK_SECRET';
  message: string;
}

const GENERATE = 'generate one with `echo whsec_$(openssl rand -base64 32)` and give every receiver the same value';

/** Why a Standard Webhooks secret is unusable, or undefined: "whsec_" and base64 of 24 to 64 random bytes. */
export function secretProblem(secret: string): string | undefined {
  const m = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  if (!m) return `must be whsec_ followed by base64; ${GENERATE}`;
  const key = Buffer.from(m[1], 'base64');
  if (key.toString('base64').replace(/=+$/, '') !== m[1].replace(/=+$/, ''))
    return `the part after whsec_ is not valid base64; ${GENERATE}`;
  if (key.length < 24 || key.length > 64)
    return `must hold 24 to 64 bytes of key (it holds ${key.length}); ${GENERATE}`;
  return undefined;
}

/** Start-up checks of the webhook settings; every issue names its variable and the fix. */
export function webhookSettingsIssues(env: WebhookEnv): SettingIssue[] {
  const production = env.NODE_ENV === 'production';
  const issues: SettingIssue[] = [];
  for (const raw of env.WEBHOOK_URLS) {
    const problem = targetProblem(raw, production);
    if (problem) issues.push({ variable: 'WEBHOOK_URLS', message: `refused "${raw}": ${problem}` });
  }
  if (new Set(env.WEBHOOK_URLS).size !== env.WEBHOOK_URLS.length)
    issues.push({ variable: 'WEBHOOK_URLS', message: 'lists a URL twice; each lead would be sent there twice' });
  const signed = env.WEBHOOK_URLS.some((raw) => !raw.startsWith(SLACK));
  if (env.WEBHOOK_SECRET) {
    const problem = secretProblem(env.WEBHOOK_SECRET);
    if (problem) issues.push({ variable: 'WEBHOOK_SECRET', message: problem });
  } else if (signed) {
    issues.push({
      variable: 'WEBHOOK_SECRET',
      message: `is required when WEBHOOK_URLS lists a non-slack: URL (deliveries are signed); ${GENERATE}`,
    });
  }
  return issues;
}
