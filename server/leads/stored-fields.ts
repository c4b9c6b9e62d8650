import type { Config } from '../config.ts';
import { recipientsFor } from '../routing/sales-routes.ts';
import type { NewLead } from '../store/leads.ts';

/**
 * What intake fixes on a lead before it is stored: its recipients (so a later change of SALES_ROUTES redirects no
 * queued mail), whether the form asked for consent and marketing at all, and marketing off until the double opt-in.
 */
export function storedFields(lead: NewLead, config: Pick<Config, 'salesRoutes' | 'salesInbox'>): NewLead {
  return {
    ...lead,
    recipients: recipientsFor(lead.topic, config.salesRoutes, config.salesInbox),
    consentAsked: lead.consent !== undefined,
    marketing: false,
    marketingAsked: lead.marketing !== undefined,
  };
}
