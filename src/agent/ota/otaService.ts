// The agent's OTA endpoint: serves `ota` channels, judges offers, runs one update job at a time, owns the state.
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { silentLogger, type Logger } from '../../common/log';
import { otaErrorMessages } from '../../protocol/otaErrors';
import {
  encodeOtaMessage,
  OtaFrameDecoder,
  type OfferMessage,
  type OtaFrame,
  type OtaMessage,
  type StatusMessage,
} from '../../protocol/otaTransfer';
import type { FirmwareInfo, Uart } from '../target';
import type { BoardMemory } from './boards';
import type { BusyProbe } from './busy';
import { DEFAULT_READY } from './healthCheck';
import type { FlashImage, ImageInstaller } from './imageInstaller';
import { checkOffer } from './offerCheck';
import { SlotStore, withResult, type OtaState } from './slots';
import { Staging } from './staging';
import { UpdateJob } from './updateJob';

/** Everything the OTA service needs from the agent. */
export interface OtaServiceOptions {
  /** The agent's state directory; OTA keeps `ota/state.json`, `ota/slots/` and `ota/staging/` under it. */
  stateDir: string;
  /** `--trust` keys: the only signers whose images this device installs. */
  trustedSigners: readonly string[];
  installer: ImageInstaller;
  /** What the target reports about its firmware (Target.firmware()): the board is checked at each offer. */
  firmware: () => FirmwareInfo;
  /** Flash base and size of this device's board (boards.ts), read at each offer; undefined refuses offers. */
  flash: () => BoardMemory | undefined;
  uart?: Uart;
  busy?: BusyProbe;
  busyPollMs?: number;
  /** What unwritten flash reads as (gdbInstaller.erasedByte): 0xff on hardware. */
  erasedByte?: number;
  /** Trial-boot timeout when an offer does not say. */
  healthTimeoutMs?: number;
  log?: Logger;
}

/** Serves `ota` channels for one device. */
export class OtaService {
  private readonly slots: SlotStore;
  private readonly staging: Staging;
  private readonly log: Logger;
  private state: OtaState;
  private job: UpdateJob | undefined;

  constructor(private readonly opts: OtaServiceOptions) {
    const dir = path.join(opts.stateDir, 'ota');
    this.log = opts.log ?? silentLogger;
    this.slots = new SlotStore(dir);
    this.staging = new Staging(path.join(dir, 'staging'));
    this.state = this.slots.load((detail) => this.log.warn('OTA state unreadable; starting fresh', { detail }));
  }

  /**
   * Call once the target runs (after Target.start()): an update whose trial boot was interrupted by an agent
   * restart is not trusted, and the previous image is reinstalled.
   */
  async recover(): Promise<void> {
    const trial = this.state.trial;
    if (!trial) return;
    const failed = this.state.slots[trial.slot];
    const previous = this.state.active ? this.state.slots[this.state.active] : null;
    const reason = 'the agent restarted before the trial boot was confirmed';
    let next: OtaState = { ...this.state, trial: null };
    try {
      if (!previous || !this.state.active) throw new Error('nothing to roll back to');
      await this.opts.installer.install({
        file: this.slots.slotPath(this.state.active),
        loadAddress: previous.loadAddress,
      });
      next = withResult(next, result(trial.deploymentId, failed?.imageSha256 ?? '', 'rolled_back', reason));
      this.log.warn('interrupted update rolled back', { deploymentId: trial.deploymentId });
    } catch (err) {
      const why = `${reason}; ${(err as Error).message}`;
      next = withResult(next, {
        ...result(trial.deploymentId, failed?.imageSha256 ?? '', 'failed', why),
        code: 'ROLLBACK_FAILED',
      });
      this.log.error('interrupted update could not be rolled back', { error: (err as Error).message });
    }
    this.setState(next);
  }

  /** Releases files held by an unfinished download (its bytes stay staged for the next offer). */
  async close(): Promise<void> {
    if (this.job?.phase === 'downloading') await this.job.abandon();
  }

  /** The confirmed image the target should boot (a sim restarting QEMU boots this rather than its --firmware). */
  activeImage(): FlashImage | undefined {
    const slot = this.state.active;
    const image = slot && this.state.slots[slot];
    return image && slot ? { file: this.slots.slotPath(slot), loadAddress: image.loadAddress } : undefined;
  }

  /** Version and build id installed by OTA and confirmed, for telemetry; undefined before any update. */
  installed(): { version: string; buildId: string } | undefined {
    const slot = this.state.active;
    const image = slot && this.state.slots[slot];
    return image && image.source === 'ota' ? { version: image.version, buildId: image.buildId } : undefined;
  }

  /** Serves one `ota` channel until it closes. Register with `agent.handle('ota', (ch) => ota.serve(ch))`. */
  serve(channel: Duplex): Promise<void> {
    const decoder = new OtaFrameDecoder();
    let job: UpdateJob | undefined;
    let queue = Promise.resolve();
    const send = (msg: OtaMessage) => {
      if (!channel.writableEnded && !channel.destroyed) channel.write(encodeOtaMessage(msg));
    };
    const end = (status: StatusMessage) => {
      send(status);
      if (!channel.writableEnded) channel.end();
    };
    const onStatus = (status: StatusMessage) =>
      status.state === 'confirmed' || status.state === 'failed' || status.state === 'rolled_back'
        ? end(status)
        : send(status);
    const onAck = (offset: number) => send({ t: 'ack', offset });
    const detach = () => {
      job?.off('status', onStatus);
      job?.off('ack', onAck);
    };

    const handle = async (frame: OtaFrame): Promise<void> => {
      if (frame.kind === 'chunk') {
        if (!job) throw new Error('chunk before offer');
        return job.receive(frame.chunk);
      }
      const msg = frame.message;
      if (msg.t === 'offer') {
        if (job) throw new Error('second offer on one channel');
        job = await this.accept(msg, end);
        if (!job) return;
        job.on('status', onStatus);
        job.on('ack', onAck);
        if (job.latest && job.phase !== 'downloading') send(job.latest);
        const offset = await job.resumeOffset();
        if (offset !== undefined) send({ t: 'want', imageSha256: msg.manifest.imageSha256, offset });
      } else if (msg.t === 'cancel') {
        if (job && !job.cancel(msg.reason || 'canceled by the relay'))
          this.log.info('cancel ignored: already installing');
      } else throw new Error(`unexpected ${msg.t} from the sender`);
    };

    return new Promise<void>((resolve) => {
      channel.on('data', (bytes: Buffer) => {
        const { frames, error } = decoder.push(bytes);
        for (const frame of frames) queue = queue.then(() => handle(frame));
        if (error) queue = queue.then(() => Promise.reject(new Error(error.reason)));
        queue = queue.catch((err: Error & { code?: string }) => {
          // The job (and its staged bytes) outlives a broken channel; the sender reconnects and resumes.
          this.log.warn('ota channel error', { error: err.message });
          if (!job && error) end({ t: 'status', state: 'failed', code: error.code, reason: error.reason });
          else channel.destroy();
        });
      });
      channel.on('error', (err) => this.log.info('ota channel failed', { error: err.message }));
      channel.on('close', () => {
        detach();
        resolve();
      });
    });
  }

  // Decides what an offer leads to: a refusal, a remembered outcome, or a job (new or already running).
  private async accept(offer: OfferMessage, end: (s: StatusMessage) => void): Promise<UpdateJob | undefined> {
    const m = offer.manifest;
    const board = this.opts.firmware().board;
    const flash = this.opts.flash();
    const verdict = flash
      ? checkOffer(offer, {
          trustedSigners: this.opts.trustedSigners,
          board,
          antiRollbackFloor: this.state.antiRollbackFloor,
          maxImageSize: flash.flashSize,
        })
      : ({
          ok: false,
          code: 'BOARD_MISMATCH',
          reason: `${otaErrorMessages.BOARD_MISMATCH}: this agent does not know the flash layout of board ${board ?? '(unknown)'}`,
        } as const);
    if (!verdict.ok) {
      this.log.warn('offer refused', { code: verdict.code, deploymentId: offer.deploymentId });
      end({ t: 'status', state: 'failed', code: verdict.code, reason: verdict.reason });
      return undefined;
    }
    const known = this.state.results.find(
      (r) => r.deploymentId === offer.deploymentId && r.imageSha256 === m.imageSha256,
    );
    if (known) {
      end({
        t: 'status',
        state: known.state,
        code: known.code,
        reason: known.reason,
        version: known.version,
        buildId: known.buildId,
      });
      return undefined;
    }
    const running = this.state.active && this.state.slots[this.state.active];
    if (running && running.source === 'ota' && running.imageSha256 === m.imageSha256 && !this.state.trial) {
      const status: StatusMessage = { t: 'status', state: 'confirmed', version: m.version, buildId: m.buildId };
      this.setState(
        withResult(this.state, {
          ...result(offer.deploymentId, m.imageSha256, 'confirmed'),
          version: m.version,
          buildId: m.buildId,
        }),
      );
      end(status);
      return undefined;
    }
    if (this.job && this.job.phase !== 'done') {
      const same = this.job.deploymentId === offer.deploymentId && this.job.manifest.imageSha256 === m.imageSha256;
      if (same) return this.job;
      if (this.job.phase !== 'downloading') {
        end({ t: 'status', state: 'failed', code: 'UPDATE_IN_PROGRESS', reason: otaErrorMessages.UPDATE_IN_PROGRESS });
        return undefined;
      }
      await this.job.abandon();
    }
    this.job = new UpdateJob(
      offer.deploymentId,
      { manifest: m, signature: offer.signature },
      { ready: offer.ready ?? DEFAULT_READY, timeoutMs: offer.healthTimeoutMs ?? this.opts.healthTimeoutMs ?? 60_000 },
      {
        staging: this.staging,
        slots: this.slots,
        installer: this.opts.installer,
        uart: this.opts.uart,
        busy: this.opts.busy,
        busyPollMs: this.opts.busyPollMs ?? 5000,
        flashBase: (flash as BoardMemory).flashBase,
        erasedByte: this.opts.erasedByte ?? 0xff,
        log: this.log.child('update'),
        firmware: this.opts.firmware,
        state: { get: () => this.state, set: (next) => this.setState(next) },
      },
    );
    return this.job;
  }

  private setState(next: OtaState): void {
    this.slots.save(next);
    this.state = next;
  }
}

function result(
  deploymentId: string,
  imageSha256: string,
  state: 'confirmed' | 'failed' | 'rolled_back',
  reason?: string,
) {
  return { deploymentId, imageSha256, state, ...(reason && { reason }), at: new Date().toISOString() };
}
