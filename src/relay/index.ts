// The relay's public surface: start one in-process (CLI, demo, tests) and the store interface for other backends.
export { startRelay, type RelayOptions, type RunningRelay } from './server';
export { adminKeyFileName } from './adminIdentity';
export type { Store } from './store/store';
