/** The lead in the admin API, for links in mails and chat messages; none without PUBLIC_URL. */
export function adminLeadUrl(publicUrl: string | undefined, leadId: string): string | undefined {
  return publicUrl ? `${publicUrl.replace(/\/+$/, '')}/api/admin/leads/${encodeURIComponent(leadId)}` : undefined;
}
