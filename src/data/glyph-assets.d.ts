// wrangler's Data rule (wrangler.toml) imports the committed gzip pixels as an ArrayBuffer in workerd.
declare module '*.u8.gz' {
  const bytes: ArrayBuffer;
  export default bytes;
}
