// The package's ES module entry, which its own types do not name: the same API as its main entry.
declare module 'fast-json-patch/index.mjs' {
  export * from 'fast-json-patch';
  export { default } from 'fast-json-patch';
}
