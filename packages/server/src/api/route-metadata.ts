import type { FastifyInstance } from 'fastify';
import type { Scope } from '@tandem/protocol';

/** A route as the server registered it: what the API documentation is checked against. */
export interface RouteEntry {
  method: string;
  url: string;
  /** Any one of these scopes lets a token in; empty for a public route. */
  scopes: Scope[];
  /** False for routes left out of the OpenAPI document on purpose (`schema.hide`). */
  documented: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered so far; HEAD left out (Fastify adds one per GET, and the document skips them). */
    routeTable: readonly RouteEntry[];
  }
}

/**
 * Each route names the scope it needs once, in `config.scope` (what the auth hook enforces). This
 * hook writes the route's OpenAPI `security` from it, so the document cannot say something other
 * than what is enforced, and refuses a route that writes `schema.security` by hand. Install it
 * before any plugin or route is registered: a hook only sees routes added after it.
 */
export function installRouteMetadata(app: FastifyInstance): void {
  const table: RouteEntry[] = [];
  app.decorate('routeTable', table);
  app.addHook('onRoute', (route) => {
    const declared = route.config?.scope;
    const scopes = declared === undefined ? [] : Array.isArray(declared) ? declared : [declared];
    if (route.schema?.security) {
      throw new Error(`${String(route.method)} ${route.url}: declare the scope once, in config.scope; schema.security is written from it`);
    }
    // A new schema object: Fastify's HEAD twin of a GET keeps a copy of the options as declared.
    if (scopes.length) route.schema = { ...route.schema, security: scopes.map((s) => ({ bearerAuth: [s] })) };
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') table.push({ method, url: route.url, scopes, documented: route.schema?.hide !== true });
    }
  });
}

