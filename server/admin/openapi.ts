import { adminComponents, adminPaths } from './openapi-admin.ts';
import { components, type Json } from './openapi-parts.ts';
import { publicPaths } from './openapi-public.ts';

const built = new Map<string, Json>();

/** The document, built once per server URL: the schemas do not change while the process runs. */
export function openApiDocument(serverUrl?: string): Json {
  let doc = built.get(serverUrl ?? '');
  if (!doc) {
    doc = buildDocument(serverUrl);
    built.set(serverUrl ?? '', doc);
  }
  return doc;
}

function buildDocument(serverUrl?: string): Json {
  const parts = components as { schemas: Json };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Beraten lassen',
      version: '0.1.0',
      description:
        "Lead capture: the public form endpoint, the sales team's admin API and the operations routes. Every error " +
        'answer is JSON with a stable error code; every answer but /healthz may be 503 while the server starts.',
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    tags: [
      { name: 'public', description: 'The widget and server-to-server clients; no authentication.' },
      { name: 'admin', description: 'The sales team: Authorization: Bearer <ADMIN_TOKEN>.' },
      { name: 'operations', description: 'Health and metrics.' },
      { name: 'demo', description: 'The demo site served at the root.' },
    ],
    components: { ...components, schemas: { ...parts.schemas, ...adminComponents } },
    paths: { ...publicPaths, ...adminPaths },
  };
}
