import { createApp } from './app';

/** The Cloudflare Worker entry: the Hono app over the wasm runtime. */
export default createApp();
