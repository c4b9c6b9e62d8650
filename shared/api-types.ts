import type { IssueCode, Locale, SourceKey } from './lead-spec.ts';

/** Body of `POST /api/leads`. */
export interface LeadInput {
  name: string;
  email: string;
  company?: string;
  phone?: string;
  topic?: string;
  message: string;
  consent?: boolean;
  consentVersion?: string;
  marketing?: boolean;
  locale?: Locale;
  source?: Partial<Record<SourceKey, string>>;
  /** Honeypot: a person leaves it empty. */
  website?: string;
  /** `challenge` from GET /api/leads/challenge, as received. */
  challenge?: string;
  /** base64 of JSON {algorithm, challenge, number, salt, signature}: the solved ALTCHA v1 challenge. */
  pow?: string;
}

/** ALTCHA v1 proof-of-work challenge: find n in 0..maxnumber with hex(sha256(salt + n)) === challenge. */
export interface PowChallenge {
  algorithm: 'SHA-256';
  challenge: string;
  salt: string;
  maxnumber: number;
  signature: string;
}

/** Answer of `GET /api/leads/challenge`; `pow` only when the server asks for proof of work. */
export interface ChallengeResponse {
  challenge: string;
  /** Milliseconds from now before a submission with this challenge counts as a person's (MIN_FILL_SECONDS). */
  wait: number;
  pow?: PowChallenge;
}

export interface LeadCreated {
  id: string;
}

export interface ValidationIssue {
  path: string;
  /** `too_many_issues` ends a list that was cut short; its message says how many were left out. */
  code: IssueCode | 'too_many_issues';
  message: string;
}

export interface ValidationError {
  error: 'validation';
  issues: ValidationIssue[];
}

/** Every other error answer: a stable machine code and a human message. */
export interface ErrorBody {
  error: string;
  message?: string;
}

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'won', 'lost', 'spam'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const JOB_STATES = ['pending', 'sending', 'sent', 'dead'] as const;
export type JobState = (typeof JOB_STATES)[number];
