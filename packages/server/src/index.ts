// The Tandem server as a library: build it from config (the CLI does exactly this).
export { buildApp } from './app.ts';
export type { BuildOptions, TandemApp } from './app.ts';
export { loadConfig, ConfigError } from './config.ts';
export type { Config } from './config.ts';
export { openDb } from './wiring/open-db.ts';
export type { Db } from './store/db.ts';
