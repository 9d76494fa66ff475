// GDB/MI output records as typed values: what parse.ts produces and everything above it consumes.

/** An MI value: a c-string, a tuple `{a=..,b=..}` or a list `[..]` (a list of results keeps only the values). */
export type MiValue = string | MiTuple | MiValue[];

/** A tuple of named results. A name repeated inside one tuple (MI2 multi-location breakpoints) becomes a list. */
export interface MiTuple {
  [name: string]: MiValue;
}

/** `^done`, `^running`, `^connected`, `^error`, `^exit`: the answer to one command. */
export interface MiResultRecord {
  kind: 'result';
  token?: number;
  cls: string;
  results: MiTuple;
}

/** `*stopped`, `*running` (exec), `+download` (status), `=breakpoint-modified` (notify). */
export interface MiAsyncRecord {
  kind: 'exec' | 'status' | 'notify';
  token?: number;
  cls: string;
  results: MiTuple;
}

/** `~` console, `@` target, `&` log output: text GDB or the target printed. */
export interface MiStreamRecord {
  kind: 'console' | 'target' | 'log';
  text: string;
}

/** The `(gdb)` prompt that ends a batch of output. */
export interface MiPromptRecord {
  kind: 'prompt';
}

/** A line that is not MI (inferior output on the terminal, a garbled line); never an exception. */
export interface MiUnparsedRecord {
  kind: 'unparsed';
  text: string;
  error: string;
}

export type MiRecord = MiResultRecord | MiAsyncRecord | MiStreamRecord | MiPromptRecord | MiUnparsedRecord;
