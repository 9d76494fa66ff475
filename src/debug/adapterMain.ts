// Entry point of dist/debugAdapter.js: DAP over stdin/stdout, reaching GDB servers directly or devices through the relay.
import { runDebugAdapter } from './stdioAdapter';

runDebugAdapter({ settingGdbPath: process.env.OUTPOST_GDB_PATH });
