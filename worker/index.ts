import { createApp } from './app';
import { initWorkerdBackend } from '../wasm/workerd';
import { embeddedBundles } from './models/embedded';

/** The Cloudflare Worker entry: the Hono app over the SIMD wasm runtime and the embedded bundles. */
export default createApp({ backend: () => initWorkerdBackend(), bundles: embeddedBundles });
