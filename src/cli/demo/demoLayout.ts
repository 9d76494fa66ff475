// Where `outpost demo` keeps things in its data directory: one place that names every file and folder.
import path from 'node:path';

/** The demo's files under its data directory (all absolute). */
export interface DemoLayout {
  root: string;
  /** The embedded relay's data directory (relay.db, admin.key). */
  relayDir: string;
  /** The operator identity the editor connects with. */
  operatorKey: string;
  /** The firmware signing key; the simulated devices trust its public key. */
  signingKey: string;
  /** The copy of the sample project VS Code opens. */
  workspace: string;
  /** The factory image the simulated devices boot until OTA installs another (the first workspace build). */
  firmwareElf: string;
  /** code-server's user data and extensions. */
  userDataDir: string;
  extensionsDir: string;
  /** JSON lines of the relay, the agents and code-server. */
  logFile: string;
  /** What a running demo serves and where its keys are (demo.json), for scripts and tests. */
  infoFile: string;
  /** A device's identity file and agent state directory. */
  deviceKey(name: string): string;
  deviceStateDir(name: string): string;
}

/** The layout of a demo data directory rooted at `root`. */
export function demoLayout(root: string): DemoLayout {
  const r = path.resolve(root);
  return {
    root: r,
    relayDir: path.join(r, 'relay'),
    operatorKey: path.join(r, 'keys', 'editor.key'),
    signingKey: path.join(r, 'keys', 'signing.key'),
    workspace: path.join(r, 'workspace', 'u5-sensor'),
    firmwareElf: path.join(r, 'firmware', 'firmware.elf'),
    userDataDir: path.join(r, 'vscode', 'user-data'),
    extensionsDir: path.join(r, 'vscode', 'extensions'),
    logFile: path.join(r, 'logs', 'demo.log'),
    infoFile: path.join(r, 'demo.json'),
    deviceKey: (name) => path.join(r, 'devices', name, 'device.key'),
    deviceStateDir: (name) => path.join(r, 'devices', name, 'state'),
  };
}
