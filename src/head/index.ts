export { HeadError } from './head';
export type { Head, HeadErrorCode } from './head';
export { decodeHead, encodeHead, headFromJson, headToJson } from './codec';
export type { HeadJson } from './codec';
export { canonicalRequest, headIdFor } from './head-id';
export type { HeadIdOptions } from './head-id';
