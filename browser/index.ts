/**
 * fewshot-edge for browsers and mobile webviews (ESM): adapt a bundle's head on the device, offline,
 * and keep heads in IndexedDB in the same binary format the worker keeps in KV.
 */
export { createRuntime } from './runtime';
export type { AdaptOptions, AdaptResult, Prediction, Runtime, RuntimeInfo, RuntimeOptions, Support } from './runtime';
export { openHeadStore, DB_NAME, DB_VERSION } from './head-store';
export type { HeadRecord, HeadStore, HeadSummary } from './head-store';
export { RuntimeError } from './errors';
export type { RuntimeErrorCode } from './errors';
export { rasterizeStrokes } from './strokes';
export type { RasterizeOptions, Stroke } from './strokes';
export { bytesToBase64, base64ToBytes } from './base64';
export { decodeHead, encodeHead, HeadError } from '../src/head/index';
export type { Head } from '../src/head/index';
export { EngineError } from '../src/engine/errors';
export type { BundleSource } from './load-bundle';
