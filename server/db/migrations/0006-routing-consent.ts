import type { Kysely } from 'kysely';

// Forward-only: a shipped migration is never edited; add the next file instead. Adds only, so old instances keep running.
export async function up(db: Kysely<any>): Promise<void> {
  // The sales recipients fixed when the lead is stored (JSON array); null on leads from before routing.
  await db.schema.alterTable('leads').addColumn('recipients', 'text').execute();
  // Whether the form asked at all (1/0); null on older leads, which did not record it.
  await db.schema.alterTable('leads').addColumn('consent_asked', 'integer').execute();
  await db.schema.alterTable('leads').addColumn('marketing_asked', 'integer').execute();

  // The double opt-in record of a lead's marketing consent; lead_id makes erase and the retention purge remove it.
  await db.schema
    .createTable('marketing_consents')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('lead_id', 'varchar(40)', (c) => c.notNull().unique())
    .addColumn('state', 'varchar(20)', (c) => c.notNull())
    .addColumn('text_version', 'varchar(40)', (c) => c.notNull())
    .addColumn('requested_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('confirmed_at', 'varchar(32)')
    .execute();
}
