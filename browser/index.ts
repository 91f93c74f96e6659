/**
 * fewshot-edge for browsers and mobile webviews (ESM): adapt a bundle's head on the device, offline,
 * and keep heads in IndexedDB in the same binary format the worker keeps in KV, and users' examples
 * by the same rules as the worker's examples API.
 */
export { createRuntime } from './runtime';
export type { AdaptOptions, AdaptResult, Prediction, Runtime, RuntimeInfo, RuntimeOptions, Support } from './runtime';
export { openHeadStore, DB_NAME, DB_VERSION } from './head-store';
export type { HeadRecord, HeadStore, HeadSummary } from './head-store';
export { RuntimeError } from './errors';
export { userExamples } from './user-examples';
export type { ExampleItem, ExamplesResult, ExportedExamples, UserExamples } from './user-examples';
export { openExamplesRecords } from './examples-store';
export type { ExamplesEntry, ExamplesRecords } from './examples-store';
export { ExamplesError } from '../src/examples/ledger';
export type { ExamplesErrorCode, Selection } from '../src/examples/ledger';
export type { RuntimeErrorCode } from './errors';
export { rasterizeStrokes } from './strokes';
export type { RasterizeOptions, Stroke } from './strokes';
export { bytesToBase64, base64ToBytes } from './base64';
export { decodeHead, encodeHead, HeadError } from '../src/head/index';
export type { Head } from '../src/head/index';
export { EngineError } from '../src/engine/errors';
export { importTorchCheckpoint } from './import-torch';
export type { TorchImportRequest, TorchImportResult } from './import-torch';
export { BundleError } from '../src/bundle/errors';
export type { BundleErrorCode } from '../src/bundle/errors';
export type { BundleSource } from './load-bundle';
