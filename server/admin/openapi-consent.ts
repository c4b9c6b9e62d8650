import { body, err, type Json } from './openapi-parts.ts';

const html = (description: string) => body(['text/html'], description);
const token = { name: 't', in: 'query', required: true, schema: { type: 'string', maxLength: 200 } };
const outcomes = {
  400: html('The link is malformed or its signature is wrong; nothing changed.'),
  409: html('The link was already used: the consent is confirmed; nothing changed.'),
  410: html('The link expired, or its lead was erased; nothing changed.'),
};
const open = (op: Json): Json => ({ tags: ['public'], security: [], ...op });

/** The double opt-in link from the visitor's mail: HTML pages under their own strict CSP, not JSON. */
export const consentPaths: Json = {
  '/consent/marketing': {
    get: open({
      operationId: 'showMarketingConsent',
      summary: 'The page behind the mailed link: one button, in the lead language; opening it changes nothing',
      parameters: [token],
      responses: { 200: html('The page with the confirm button.'), ...outcomes },
    }),
    post: open({
      operationId: 'confirmMarketingConsent',
      summary: 'The button: confirms the pending marketing consent once (form field t)',
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: { type: 'object', properties: { t: { type: 'string', maxLength: 200 } }, required: ['t'] },
          },
        },
      },
      responses: {
        200: html('Confirmed: recorded with its time, lead.updated webhooks queued.'),
        ...outcomes,
        413: err('The body is over 4096 bytes.'),
      },
    }),
  },
  '/consent/consent.css': {
    get: open({
      operationId: 'getConsentStylesheet',
      summary: "The consent pages' stylesheet",
      responses: { 200: body(['text/css'], 'The stylesheet.') },
    }),
  },
};
