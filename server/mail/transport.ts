// placeholder, replaced by the mail work
export interface MailTransport { describe: string; close(): void }
export function createMailTransport(_config: unknown): MailTransport { return { describe: 'none', close() {} }; }
