import type { Config } from './config.ts';
import type { Db } from './db/connect.ts';

export interface BannerFacts {
  port: number;
  config: Config;
  db: Db;
  /** How mail leaves: the transport's description. */
  mail: string;
  tokenFile?: { file: string; created: boolean };
}

function adminLine(base: string, config: Config, tokenFile: BannerFacts['tokenFile']): string {
  if (tokenFile) {
    const created = tokenFile.created ? ' (generated now)' : '';
    return (
      `${base}/api/admin/leads with Authorization: Bearer <token>; ` +
      `read the token with: cat ${tokenFile.file}${created}`
    );
  }
  if (config.ADMIN_TOKEN) return `${base}/api/admin/leads with Authorization: Bearer $ADMIN_TOKEN`;
  return 'off; set ADMIN_TOKEN (32+ characters, e.g. openssl rand -hex 32) to enable /api/admin';
}

const routes = (config: Config) =>
  config.salesRoutes.size ? ` (and ${config.salesRoutes.size} topic routes from SALES_ROUTES)` : '';

/** What the start prints: where it listens, where leads and mails go, and how to reach the admin API. */
export function startBanner({ port, config, db, mail, tokenFile }: BannerFacts): string {
  const base = `http://localhost:${port}`;
  return [
    `Beraten lassen listens on ${base} (demo page at ${base}/, widget at ${base}/widget.js)`,
    `  leads:  ${db.dialect === 'sqlite' ? `SQLite ${db.describe}` : `PostgreSQL ${db.describe}`}`,
    `  mail:   ${mail} -> ${config.salesInbox.join(', ')}${routes(config)}`,
    `  admin:  ${adminLine(base, config, tokenFile)}`,
  ].join('\n');
}
