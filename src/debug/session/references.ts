// Variable references handed to the editor; valid until the next stop, when their GDB variable objects are freed.
import type { GdbProcess } from '../gdb/gdbProcess';
import { varDelete } from '../mi/commands/varobj';
import type { PeripheralNode } from './peripheralsTree';

/** What a variablesReference stands for. */
export type RefTarget =
  | { kind: 'scope'; scope: 'locals' | 'statics' | 'registers'; level: number }
  | { kind: 'varobj'; name: string; indexed: boolean }
  | { kind: 'svd'; node: PeripheralNode };

/** Handles for scopes and variable objects, plus the GDB variable objects to delete when they go stale. */
export class References {
  private map = new Map<number, RefTarget>();
  private next = 1;
  private roots: string[] = [];
  private shown = new Map<string, string>();

  /** A fresh reference for a target. */
  add(target: RefTarget): number {
    const id = this.next++;
    this.map.set(id, target);
    return id;
  }

  /** The target of a reference, or undefined when it is stale. */
  get(ref: number): RefTarget | undefined {
    return this.map.get(ref);
  }

  /** Records which variable object a variable shown under `parentRef` as `displayName` is (for setVariable). */
  remember(parentRef: number, displayName: string, varObjName: string): void {
    this.shown.set(`${parentRef}\0${displayName}`, varObjName);
  }

  /** The variable object behind a variable the editor was shown, or undefined. */
  varObjShown(parentRef: number, displayName: string): string | undefined {
    return this.shown.get(`${parentRef}\0${displayName}`);
  }

  /** Remembers a root variable object (children die with it). */
  ownRoot(name: string): void {
    this.roots.push(name);
  }

  /** Forgets every reference and deletes the variable objects in GDB (local to GDB: no target traffic). */
  async reset(gdb: GdbProcess): Promise<void> {
    const roots = this.roots;
    this.map = new Map();
    this.roots = [];
    this.shown = new Map();
    for (const name of roots) {
      // A variable object GDB already dropped (its frame went away) needs no deleting.
      await gdb.send(varDelete(name)).catch((err: unknown) => err);
    }
  }
}
