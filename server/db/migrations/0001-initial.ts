import type { Kysely } from 'kysely';

// Forward-only: a shipped migration is never edited; add the next file instead.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('leads')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('status', 'varchar(20)', (c) => c.notNull().defaultTo('new'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('company', 'text')
    .addColumn('phone', 'text')
    .addColumn('topic', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('locale', 'varchar(5)', (c) => c.notNull())
    .addColumn('consent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('consent_version', 'text')
    .addColumn('marketing', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('source', 'text')
    .addColumn('note', 'text')
    .addColumn('assignee', 'text')
    .execute();
  await db.schema.createIndex('leads_created_idx').on('leads').columns(['created_at', 'id']).execute();
  await db.schema.createIndex('leads_email_idx').on('leads').column('email').execute();

  await db.schema
    .createTable('idempotency_keys')
    .addColumn('key', 'varchar(200)', (c) => c.primaryKey())
    .addColumn('lead_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('body_hash', 'varchar(64)', (c) => c.notNull())
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('idempotency_lead_idx').on('idempotency_keys').column('lead_id').execute();

  await db.schema
    .createTable('jobs')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('lead_id', 'varchar(40)')
    .addColumn('kind', 'varchar(40)', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('state', 'varchar(20)', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('lease_until', 'varchar(32)')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
    .addColumn('sent_at', 'varchar(32)')
    .execute();
  await db.schema.createIndex('jobs_due_idx').on('jobs').columns(['state', 'next_attempt_at']).execute();
  await db.schema.createIndex('jobs_lead_idx').on('jobs').column('lead_id').execute();

  await db.schema
    .createTable('job_attempts')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('job_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('lead_id', 'varchar(40)')
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('ok', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('job_attempts_job_idx').on('job_attempts').column('job_id').execute();
  await db.schema.createIndex('job_attempts_lead_idx').on('job_attempts').column('lead_id').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('lead_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('at', 'varchar(32)', (c) => c.notNull())
    .addColumn('action', 'varchar(40)', (c) => c.notNull())
    .addColumn('detail', 'text')
    .execute();
  await db.schema.createIndex('audit_lead_idx').on('audit_log').column('lead_id').execute();
}
