import { hc } from 'hono/client';
import type { AppType } from './app';

/** A typed client for the API: `createClient(url, key).v1.models[':model'].adapt.$post({...})`. */
export const createClient = (baseUrl: string, apiKey: string, init?: { fetch?: typeof fetch }) =>
  hc<AppType>(baseUrl, { headers: { authorization: `Bearer ${apiKey}` }, ...(init?.fetch ? { fetch: init.fetch } : {}) });

export type { AppType };
