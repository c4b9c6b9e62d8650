import { escapeHtml } from './escape.ts';

export interface VisitorMailHtml {
  lang: 'de' | 'en';
  title: string;
  paragraphs: string[];
  /** Markup already escaped, between the paragraphs and the closing (the opt-in mail's button and link). */
  extra?: string[];
  closing: string;
  signature: string[];
  notYou: string;
}

/** The one HTML frame of the mails to the visitor: every text is escaped here, so a name stays a name. */
export function visitorMailHtml(m: VisitorMailHtml): string {
  return [
    `<!doctype html><html lang="${m.lang}"><head><meta charset="utf-8"><title>${escapeHtml(m.title)}</title></head>`,
    '<body style="font-family:system-ui,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a">',
    ...m.paragraphs.map((t) => `<p>${escapeHtml(t)}</p>`),
    ...(m.extra ?? []),
    `<p>${escapeHtml(m.closing)}<br>${m.signature.map(escapeHtml).join('<br>')}</p>`,
    `<p style="color:#666;font-size:13px">${escapeHtml(m.notYou)}</p>`,
    '</body></html>',
  ].join('\n');
}
