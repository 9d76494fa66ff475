// The sending side of an `ota` channel: offer, then image chunks from where the device asks, within a window.
import type { Duplex } from 'node:stream';
import type { SignedManifest } from '../../protocol/manifest';
import {
  encodeOtaChunk,
  encodeOtaMessage,
  OTA_CHUNK_SIZE,
  OtaFrameDecoder,
  type HealthPolicy,
  type StatusMessage,
} from '../../protocol/otaTransfer';
import type { DeviceEvent } from './deviceState';
import { SendWindow } from './sendWindow';

/** One transfer to one device. */
export interface SendRequest {
  deploymentId: string;
  signed: SignedManifest;
  health: HealthPolicy;
  /** Reads image bytes (ArtifactsRepo.read). */
  read: (offset: number, length: number) => Promise<Buffer>;
  /** Every device report, mapped to deployment events. */
  onEvent: (ev: DeviceEvent) => void;
  /** A fixed number of unacknowledged bytes allowed in flight; default: a SendWindow adapting to the link. */
  window?: number;
  /** Aborting sends `cancel` (the device decides whether it can still stop). */
  signal?: AbortSignal;
}

/**
 * How a transfer ended: the device's final status, or the channel closed first (resume on reconnect). `bytesSent`
 * counts image bytes; `maxWindow` is the widest the send window got (what a drop could have wasted).
 */
export type SendOutcome = ({ ended: 'status'; status: StatusMessage } | { ended: 'closed' }) & {
  bytesSent: number;
  maxWindow: number;
};

/**
 * Runs one transfer over an open `ota` channel: sends the offer, streams chunks from each `want` offset,
 * keeping at most `window` bytes beyond the last `ack`, and relays every report through `onEvent`.
 * Resolves when the device reports a final state or the channel closes; never rejects.
 */
export function sendUpdate(channel: Duplex, req: SendRequest): Promise<SendOutcome> {
  const size = req.signed.manifest.imageSize;
  const window = req.window !== undefined ? new SendWindow(req.window, req.window) : SendWindow.forImage(size);
  const decoder = new OtaFrameDecoder();
  let next = -1; // next offset to send; -1 until the device says where to start
  let acked = 0;
  let bytesSent = 0;
  let maxWindow = window.bytes;
  let pumping = false;
  let finished = false;

  return new Promise<SendOutcome>((resolve) => {
    const finish = (outcome: SendOutcome) => {
      if (finished) return;
      finished = true;
      req.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
      if (!channel.destroyed) channel.end();
    };
    const write = (bytes: Buffer): Promise<void> => {
      if (channel.destroyed || channel.writableEnded) return Promise.resolve();
      if (channel.write(bytes)) return Promise.resolve();
      return new Promise((r) => {
        const done = () => {
          channel.off('drain', done);
          channel.off('close', done);
          r();
        };
        channel.on('drain', done);
        channel.on('close', done);
      });
    };
    const pump = async () => {
      if (pumping) return;
      pumping = true;
      try {
        while (!finished && next >= 0 && next < size && next - acked < window.bytes) {
          const length = Math.min(OTA_CHUNK_SIZE, size - next, window.bytes - (next - acked));
          const data = await req.read(next, length);
          if (data.length === 0) break;
          const offset = next;
          next += data.length;
          bytesSent += data.length;
          window.onSend(next, performance.now());
          maxWindow = Math.max(maxWindow, window.bytes);
          await write(encodeOtaChunk(offset, data));
        }
      } catch (err) {
        channel.destroy(err as Error);
      } finally {
        pumping = false;
      }
    };
    const onAbort = () =>
      void write(
        encodeOtaMessage({ t: 'cancel', reason: String((req.signal?.reason as Error)?.message ?? 'canceled') }),
      );
    req.signal?.addEventListener('abort', onAbort, { once: true });

    channel.on('data', (bytes: Buffer) => {
      const { frames, error } = decoder.push(bytes);
      for (const frame of frames) {
        if (frame.kind !== 'message') continue;
        const msg = frame.message;
        if (msg.t === 'want') {
          next = Math.min(msg.offset, size);
          acked = next;
          window.restart(next);
          req.onEvent({ type: 'bytes', offset: next });
          void pump();
        } else if (msg.t === 'ack') {
          acked = Math.max(acked, msg.offset);
          window.onAck(msg.offset, performance.now());
          req.onEvent({ type: 'bytes', offset: msg.offset });
          void pump();
        } else if (msg.t === 'status') {
          req.onEvent({ type: 'status', state: msg.state, code: msg.code, reason: msg.reason });
          if (msg.state === 'confirmed' || msg.state === 'failed' || msg.state === 'rolled_back')
            finish({ ended: 'status', status: msg, bytesSent, maxWindow });
        }
      }
      if (error) channel.destroy(new Error(error.reason));
    });
    channel.on('error', () => undefined);
    channel.on('close', () => finish({ ended: 'closed', bytesSent, maxWindow }));
    void write(encodeOtaMessage({ t: 'offer', deploymentId: req.deploymentId, ...req.signed, ...req.health }));
    if (req.signal?.aborted) onAbort();
  });
}
