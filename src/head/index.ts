export { HeadError } from './head';
export type { Head, HeadErrorCode } from './head';
export { decodeHead, encodeHead, headFromJson, headToJson } from './codec';
export type { HeadJson } from './codec';
export { adaptKeyFor, canonicalRequest, headIdOf } from './head-id';
export type { AdaptKeyOptions } from './head-id';
