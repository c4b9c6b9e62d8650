import { z } from 'zod';
import { JOB_STATES, LEAD_STATUSES } from '../../shared/api-types.ts';
import { LEAD_FIELDS } from '../../shared/lead-spec.ts';
import { MARKETING_STATES } from '../store/marketing-consent.ts';

// Request schemas validate the admin API's input; response schemas document its output and are checked against real answers in tests.

const day = z.iso.date();
const instant = z.iso.datetime({ offset: true });

export const LeadFiltersSchema = z.strictObject({
  status: z.enum(LEAD_STATUSES).optional().describe('Only leads with this status.'),
  topic: z.string().max(LEAD_FIELDS.topic.max).optional().describe('Exact topic.'),
  from: z.union([day, instant]).optional().describe('Created at or after this day (UTC) or instant.'),
  to: z
    .union([day, instant])
    .optional()
    .describe('Created on or before this day (UTC, whole day) or at or before this instant.'),
  q: z.string().min(1).max(200).optional().describe('Case-insensitive text in name, email, company or message.'),
});
export type LeadFilters = z.infer<typeof LeadFiltersSchema>;

export const ListQuerySchema = LeadFiltersSchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe('nextCursor of the previous page.'),
});

export const ExportQuerySchema = LeadFiltersSchema.extend({
  format: z.enum(['csv', 'ndjson']).default('csv'),
  delimiter: z.enum(['comma', 'semicolon']).default('comma').describe('semicolon suits German Excel.'),
});

const shortText = (max: number) => z.string().trim().max(max).nullable();
export const LeadPatchSchema = z
  .strictObject({
    status: z.enum(LEAD_STATUSES).optional(),
    note: shortText(5000).optional(),
    assignee: shortText(120).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'Send at least one of status, note, assignee.' })
  .meta({ minProperties: 1 });
export type LeadPatch = z.infer<typeof LeadPatchSchema>;

export const SubjectQuerySchema = z.strictObject({
  email: z
    .string()
    .trim()
    .min(3)
    .max(LEAD_FIELDS.email.max)
    // The length counts after trimming; the pattern says so to a client that reads only the document.
    .meta({ pattern: '^\\s*\\S[\\s\\S]+\\S\\s*$', description: 'The address, in any case; trimmed.' }),
});

export const MailSummarySchema = z.object({
  state: z.enum(JOB_STATES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
});

export const AdminLeadSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  status: z.enum(LEAD_STATUSES),
  name: z.string(),
  email: z.string(),
  company: z.string().nullable(),
  phone: z.string().nullable(),
  topic: z.string().nullable(),
  message: z.string(),
  locale: z.string(),
  marketing: z.boolean(),
  note: z.string().nullable(),
  assignee: z.string().nullable(),
});

export const LeadListItemSchema = AdminLeadSchema.extend({ mail: MailSummarySchema.nullable() });
export const LeadListSchema = z.object({ items: z.array(LeadListItemSchema), nextCursor: z.string().nullable() });

export const JobSchema = z.object({
  id: z.string(),
  kind: z.string(),
  target: z.string().nullable(),
  state: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string(),
  createdAt: z.string(),
  sentAt: z.string().nullable(),
  attemptLog: z.array(z.object({ at: z.string(), ok: z.boolean(), error: z.string().nullable() })),
});

export const AuditEntrySchema = z.object({ at: z.string(), action: z.string(), detail: z.string().nullable() });

export const LeadDetailSchema = z.object({
  lead: AdminLeadSchema,
  attribution: z.record(z.string(), z.string()).nullable(),
  consent: z.object({ consent: z.boolean(), version: z.string().nullable(), at: z.string() }),
  marketingConsent: z
    .object({
      state: z.enum(MARKETING_STATES),
      requestedAt: z.string().nullable(),
      expiresAt: z.string().nullable(),
      confirmedAt: z.string().nullable(),
      textVersion: z.string().nullable(),
    })
    .describe('Double opt-in: lead.marketing is true only once the state is confirmed.'),
  recipients: z
    .array(z.string())
    .nullable()
    .describe('Sales addresses fixed when the lead was stored (SALES_ROUTES); null before routing existed.'),
  jobs: z.array(JobSchema),
  audit: z.array(AuditEntrySchema),
});

export const StatsSchema = z.object({
  byStatus: z.record(z.string(), z.number().int()),
  byDay: z.array(z.object({ day: z.string(), count: z.number().int() })),
  mail: z.object({ pending: z.number().int(), dead: z.number().int() }),
});

export const SubjectExportSchema = z.object({
  email: z.string(),
  leads: z.array(
    LeadDetailSchema.extend({ idempotencyKeys: z.array(z.object({ key: z.string(), createdAt: z.string() })) }),
  ),
});

export const ErasedSchema = z.object({ erased: z.object({ leads: z.number().int(), rows: z.number().int() }) });
