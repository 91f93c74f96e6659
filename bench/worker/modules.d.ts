// The root tsconfig (Node) typechecks bench/; the worker's embedded bundles are wrangler Data modules.
declare module '*.fsb' {
  const bytes: ArrayBuffer;
  export default bytes;
}
