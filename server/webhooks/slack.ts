import { adminLeadUrl } from '../links.ts';
import type { WebhookPayload } from './payload.ts';

// Slack reads &, < and > as markup (<!channel>, <url|label>); escaped, a visitor's text stays text.
const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
// One line per field, clipped: a visitor cannot fill the channel or fake extra lines.
const field = (text: string | null) =>
  text
    ? escapeMrkdwn(
        text
          .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
          .trim()
          .slice(0, 120),
      )
    : '';

/**
 * A Slack incoming-webhook body ({text}; Mattermost and Rocket.Chat read it too): topic, company and name and a link
 * to the lead in the admin API, never the message or contact details, which stay in our database.
 */
export function slackMessage(payload: WebhookPayload, publicUrl: string | undefined): { text: string } {
  const { data } = payload;
  const who = [field(data.company), field(data.name)].filter(Boolean).join(' – ');
  const topic = field(data.topic) || 'ohne Thema';
  const head =
    payload.type === 'lead.created'
      ? `Neue Anfrage: *${topic}*`
      : `Anfrage *${topic}* jetzt im Status „${field(data.status)}“`;
  const lines = [`${head}${who ? ` von ${who}` : ''}`];
  const link = adminLeadUrl(publicUrl, data.id);
  if (link) lines.push(`<${link}|Anfrage im Admin-API öffnen>`);
  return { text: lines.join('\n') };
}
