// worker/ names the `Env` that wrangler generates into worker-configuration.d.ts, which only the
// worker tsconfig sees. The Node program that typechecks bench/ (it runs the same app in Node) gets
// this loose stand-in instead.
interface Env {
  HEADS: unknown;
  [binding: string]: unknown;
}
