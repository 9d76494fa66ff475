// A Uart over a pair of byte streams (a child's stdio, a serial device) that can be re-attached across restarts.
import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { Uart } from '../target';
import { LineSplitter } from './lineSplitter';

/**
 * Emits 'data' (Buffer) for every chunk the firmware sends and 'line' (string) per complete line. Writes go to
 * the currently attached output; while none is attached (the device is restarting) they are dropped, as bytes
 * sent to a board held in reset are.
 */
export class StreamUart extends EventEmitter implements Uart {
  private input?: Readable;
  private output?: Writable;
  private splitter = new LineSplitter();
  private readonly onData = (chunk: Buffer): void => {
    this.emit('data', chunk);
    for (const line of this.splitter.push(chunk)) this.emit('line', line);
  };

  /** Starts reading from input and writing to output, detaching any previous pair. */
  attach(input: Readable, output: Writable): void {
    this.detach();
    this.input = input;
    this.output = output;
    input.on('data', this.onData);
    // A write after the far end closed would otherwise be an unhandled 'error'.
    output.on('error', () => this.detachOutput(output));
  }

  /** Stops using the current streams; an unfinished last line is delivered as a line. */
  detach(): void {
    this.input?.off('data', this.onData);
    this.input = undefined;
    this.output = undefined;
    const rest = this.splitter.flush();
    this.splitter = new LineSplitter();
    if (rest !== undefined) this.emit('line', rest);
  }

  /** True while streams are attached. */
  get attached(): boolean {
    return this.output !== undefined;
  }

  write(data: string | Buffer): void {
    const out = this.output;
    if (!out || out.destroyed || out.writableEnded) return;
    out.write(data);
  }

  private detachOutput(output: Writable): void {
    if (this.output === output) this.output = undefined;
  }
}
