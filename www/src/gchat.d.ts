// The wasm package is resolved by Vite (see vite.config.ts); src/engine.ts
// describes the part of its API the designer uses.
declare module "gchat";
