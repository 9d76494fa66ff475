// A/B image slots on the agent's disk plus a small JSON state: what runs, what is on trial, the rollback floor.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { OtaErrorCode } from '../../protocol/otaErrors';

/** The two slots; the one not active receives the next update. */
export type SlotName = 'a' | 'b';

/** A flash image kept in a slot, with the facts needed to reinstall and report it. */
export interface SlotImage {
  imageSha256: string;
  imageSize: number;
  loadAddress: number;
  version: string;
  buildId: string;
  board: string;
  antiRollback: number;
  /** `ota` = installed from a signed manifest; `snapshot` = the firmware found running before the first update. */
  source: 'ota' | 'snapshot';
}

/** How an update ended on this device; kept so a re-sent offer is answered without installing again. */
export interface UpdateResult {
  deploymentId: string;
  imageSha256: string;
  state: 'confirmed' | 'failed' | 'rolled_back';
  code?: OtaErrorCode;
  reason?: string;
  version?: string;
  buildId?: string;
  at: string;
}

/** The persisted OTA state (`<state>/ota/state.json`). */
export interface OtaState {
  formatVersion: 1;
  /** The slot the target runs and that was confirmed healthy; null until the first update or snapshot. */
  active: SlotName | null;
  slots: Record<SlotName, SlotImage | null>;
  /** Highest anti-rollback counter confirmed; offers below it are refused. */
  antiRollbackFloor: number;
  /** An installed image not yet confirmed; if the agent restarts with a trial pending, it rolls back. */
  trial: { slot: SlotName; deploymentId: string; startedAt: string } | null;
  /** Recent outcomes, newest first (at most 16). */
  results: UpdateResult[];
}

const MAX_RESULTS = 16;

/** State of a device that has never been updated. */
export function initialOtaState(): OtaState {
  return {
    formatVersion: 1,
    active: null,
    slots: { a: null, b: null },
    antiRollbackFloor: 0,
    trial: null,
    results: [],
  };
}

/** The slot the next update goes to. */
export function inactiveSlot(state: OtaState): SlotName {
  return state.active === 'a' ? 'b' : 'a';
}

/** Adds an outcome, newest first, replacing an older one for the same deployment and image. */
export function withResult(state: OtaState, result: UpdateResult): OtaState {
  const rest = state.results.filter(
    (r) => r.deploymentId !== result.deploymentId || r.imageSha256 !== result.imageSha256,
  );
  return { ...state, results: [result, ...rest].slice(0, MAX_RESULTS) };
}

/** Slot files and the state file in `<state>/ota`. Writes are atomic: temp file, fsync, rename. */
export class SlotStore {
  readonly dir: string;

  constructor(otaDir: string) {
    this.dir = otaDir;
    fs.mkdirSync(path.join(otaDir, 'slots'), { recursive: true, mode: 0o700 });
  }

  /** Path of a slot's image file. */
  slotPath(slot: SlotName): string {
    return path.join(this.dir, 'slots', `${slot}.bin`);
  }

  /**
   * Reads the state. A missing file is a fresh device; an unreadable one is moved aside (kept for inspection)
   * and the device starts fresh, which only loses rollback history, never an image.
   */
  load(onCorrupt: (detail: string) => void = () => undefined): OtaState {
    const file = path.join(this.dir, 'state.json');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return initialOtaState();
      throw err;
    }
    try {
      const state = JSON.parse(text) as OtaState;
      if (state.formatVersion !== 1 || !state.slots || !Array.isArray(state.results)) throw new Error('unknown shape');
      return state;
    } catch (err) {
      const aside = `${file}.corrupt-${Date.now()}`;
      fs.renameSync(file, aside);
      onCorrupt(`${(err as Error).message}; moved to ${aside}`);
      return initialOtaState();
    }
  }

  /** Writes the state atomically. */
  save(state: OtaState): void {
    this.writeAtomically(path.join(this.dir, 'state.json'), Buffer.from(JSON.stringify(state, null, 2) + '\n'));
  }

  /** Moves a verified staged file into a slot (same filesystem: a rename). */
  place(slot: SlotName, file: string): void {
    fs.renameSync(file, this.slotPath(slot));
    this.syncDir(path.join(this.dir, 'slots'));
  }

  /** Writes bytes into a slot (snapshots of the running firmware). */
  writeSlot(slot: SlotName, bytes: Uint8Array): void {
    this.writeAtomically(this.slotPath(slot), bytes);
  }

  private writeAtomically(file: string, bytes: Uint8Array): void {
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    this.syncDir(path.dirname(file));
  }

  private syncDir(dir: string): void {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
}
