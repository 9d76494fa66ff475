// Line, function, instruction and data breakpoints: what the editor asked for, mapped onto GDB breakpoint numbers.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { GdbCommandError } from '../gdb/gdbProcess';
import { breakDelete, breakInsert, breakWatch, type BreakLocation, type WatchAccess } from '../mi/commands/breakpoints';
import { varInfoPathExpression } from '../mi/commands/varobj';
import { num, str, tuple, tuples } from '../mi/read';
import type { SessionContext } from './context';
import { parseHitCondition } from './hitCondition';
import { parseLogMessage, type LogPart } from './logMessage';
import { sourceOf } from './sourceRef';

/** A GDB breakpoint the session owns, and how a hit on it is handled. */
export interface BreakpointEntry {
  id: number;
  gdbNumber?: number;
  kind: 'breakpoint' | 'function breakpoint' | 'instruction breakpoint' | 'data breakpoint';
  logParts?: LogPart[];
  every?: number;
  hits: number;
}

/** Everything asked for, so a new request for one source replaces exactly that source's breakpoints. */
export class BreakpointRegistry {
  private readonly groups = new Map<string, BreakpointEntry[]>();
  private readonly byNumber = new Map<number, BreakpointEntry>();
  private nextId = 1;
  private faultBreakpoint: number | undefined;

  /** The entry for a GDB breakpoint number, if the editor set it. */
  lookup(gdbNumber: number): BreakpointEntry | undefined {
    return this.byNumber.get(gdbNumber);
  }

  /** True when the GDB breakpoint is the one that catches faults. */
  isFaultCatch(gdbNumber: number): boolean {
    return this.faultBreakpoint === gdbNumber;
  }

  /** Replaces the line breakpoints of one source file. */
  async setSource(
    ctx: SessionContext,
    args: DebugProtocol.SetBreakpointsArguments,
  ): Promise<DebugProtocol.Breakpoint[]> {
    const path = args.source.path ?? args.source.name ?? '';
    await this.clear(ctx, `source:${path}`);
    const out: DebugProtocol.Breakpoint[] = [];
    for (const bp of args.breakpoints ?? []) {
      const loc: BreakLocation = { kind: 'line', file: path, line: bp.line };
      out.push(await this.insert(ctx, `source:${path}`, 'breakpoint', loc, bp));
    }
    return out;
  }

  /** Replaces all function breakpoints. */
  async setFunctions(
    ctx: SessionContext,
    bps: DebugProtocol.FunctionBreakpoint[],
  ): Promise<DebugProtocol.Breakpoint[]> {
    await this.clear(ctx, 'functions');
    const out: DebugProtocol.Breakpoint[] = [];
    for (const bp of bps)
      out.push(await this.insert(ctx, 'functions', 'function breakpoint', { kind: 'function', name: bp.name }, bp));
    return out;
  }

  /** Replaces all instruction breakpoints. */
  async setInstructions(
    ctx: SessionContext,
    bps: DebugProtocol.InstructionBreakpoint[],
  ): Promise<DebugProtocol.Breakpoint[]> {
    await this.clear(ctx, 'instructions');
    const out: DebugProtocol.Breakpoint[] = [];
    for (const bp of bps) {
      const address = Number(bp.instructionReference) + (bp.offset ?? 0);
      if (!Number.isSafeInteger(address) || address < 0) {
        out.push({ verified: false, message: `"${bp.instructionReference}" is not an address` });
        continue;
      }
      out.push(await this.insert(ctx, 'instructions', 'instruction breakpoint', { kind: 'address', address }, bp));
    }
    return out;
  }

  /** Replaces all data breakpoints (hardware watchpoints), refusing those beyond the core's comparators. */
  async setData(ctx: SessionContext, bps: DebugProtocol.DataBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
    await this.clear(ctx, 'data');
    const limit = ctx.args.hardwareWatchpointLimit;
    const out: DebugProtocol.Breakpoint[] = [];
    for (const [i, bp] of bps.entries()) {
      if (i >= limit) {
        out.push({
          verified: false,
          message: `the core has ${limit} hardware watchpoints (DWT comparators) and ${bps.length} are set: remove ${bps.length - limit}`,
        });
        continue;
      }
      const access: WatchAccess = bp.accessType ?? 'write';
      try {
        const answer = await ctx.gdb.send(breakWatch(bp.dataId, access));
        const wpt =
          tuple(answer.results, 'wpt') ?? tuple(answer.results, 'hw-rwpt') ?? tuple(answer.results, 'hw-awpt');
        const entry = this.track('data', 'data breakpoint', num(wpt, 'number'), {});
        out.push({ id: entry.id, verified: true, message: `watching ${bp.dataId} (${access})` });
      } catch (err) {
        if (!(err instanceof GdbCommandError)) throw err;
        out.push({ verified: false, message: err.gdbMessage });
      }
    }
    return out;
  }

  /** What can be watched for a variable the editor shows: the path expression of its variable object. */
  async dataInfo(
    ctx: SessionContext,
    args: DebugProtocol.DataBreakpointInfoArguments,
  ): Promise<DebugProtocol.DataBreakpointInfoResponse['body']> {
    let expression = args.name;
    if (args.variablesReference !== undefined && args.variablesReference !== 0) {
      const scope = ctx.refs.get(args.variablesReference);
      if (scope?.kind === 'scope' && scope.scope === 'registers') {
        return { dataId: null, description: 'registers cannot be watched by the DWT' };
      }
      const varobj = ctx.refs.varObjShown(args.variablesReference, args.name);
      if (!varobj) return { dataId: null, description: `"${args.name}" is no longer shown` };
      expression = str((await ctx.gdb.send(varInfoPathExpression(varobj))).results, 'path_expr') ?? args.name;
    }
    return {
      dataId: expression,
      description: expression,
      accessTypes: ['write', 'read', 'readWrite'],
      canPersist: true,
    };
  }

  /** Turns the breakpoint on the HardFault handler on or off; says so on the console when there is no handler. */
  async setFaultCatch(ctx: SessionContext, on: boolean): Promise<void> {
    if (!on && this.faultBreakpoint !== undefined) {
      await ctx.gdb.send(breakDelete([this.faultBreakpoint]));
      this.faultBreakpoint = undefined;
    }
    if (!on || this.faultBreakpoint !== undefined) return;
    try {
      const answer = await ctx.gdb.send(breakInsert({ kind: 'function', name: 'HardFault_Handler' }));
      this.faultBreakpoint = num(tuple(answer.results, 'bkpt'), 'number');
    } catch (err) {
      if (!(err instanceof GdbCommandError)) throw err;
      ctx.output(`faults are not caught: the firmware has no HardFault_Handler (${err.gdbMessage})\n`, 'console');
    }
  }

  private async insert(
    ctx: SessionContext,
    group: string,
    kind: BreakpointEntry['kind'],
    loc: BreakLocation,
    bp: { condition?: string; hitCondition?: string; logMessage?: string },
  ): Promise<DebugProtocol.Breakpoint> {
    const rule = bp.hitCondition ? parseHitCondition(bp.hitCondition) : undefined;
    if (typeof rule === 'string') return { verified: false, message: rule };
    try {
      const opts = { condition: bp.condition, ignoreCount: rule && 'ignore' in rule ? rule.ignore : undefined };
      const bkpt = tuple((await ctx.gdb.send(breakInsert(loc, opts))).results, 'bkpt');
      const entry = this.track(group, kind, num(bkpt, 'number'), bp);
      if (rule && 'every' in rule) entry.every = rule.every;
      const where = tuples(bkpt, 'locations')[0] ?? bkpt;
      const addr = str(where, 'addr');
      const fullname = str(where, 'fullname');
      const pending = addr === undefined || addr.includes('PENDING');
      return {
        id: entry.id,
        verified: !pending,
        line: num(where, 'line'),
        source: fullname ? sourceOf(fullname) : undefined,
        instructionReference: pending ? undefined : addr,
        message: pending ? 'no code at this location in the loaded ELF' : undefined,
      };
    } catch (err) {
      if (!(err instanceof GdbCommandError)) throw err;
      return { verified: false, message: err.gdbMessage };
    }
  }

  private track(
    group: string,
    kind: BreakpointEntry['kind'],
    gdbNumber: number | undefined,
    bp: { logMessage?: string },
  ): BreakpointEntry {
    const entry: BreakpointEntry = { id: this.nextId++, gdbNumber, kind, hits: 0 };
    if (bp.logMessage) entry.logParts = parseLogMessage(bp.logMessage);
    if (gdbNumber !== undefined) this.byNumber.set(gdbNumber, entry);
    const list = this.groups.get(group) ?? [];
    list.push(entry);
    this.groups.set(group, list);
    return entry;
  }

  private async clear(ctx: SessionContext, group: string): Promise<void> {
    const old = this.groups.get(group) ?? [];
    this.groups.delete(group);
    const numbers = old.map((e) => e.gdbNumber).filter((n): n is number => n !== undefined);
    for (const n of numbers) this.byNumber.delete(n);
    if (numbers.length > 0) await ctx.gdb.send(breakDelete(numbers));
  }
}
