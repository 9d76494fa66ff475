// One update on the device: download into staging, verify, wait while busy, install to the free slot, trial boot,
// then confirm or reinstall the previous image. Runs on after the channel that started it drops.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { Logger } from '../../common/log';
import type { Manifest, SignedManifest } from '../../protocol/manifest';
import { OtaError, type OtaErrorCode } from '../../protocol/otaErrors';
import type { OtaChunk, StatusMessage } from '../../protocol/otaTransfer';
import type { FirmwareInfo, Uart } from '../target';
import { waitWhileBusy, type BusyProbe } from './busy';
import { armHealthWatch, DEFAULT_READY, type HealthWatch } from './healthCheck';
import type { ImageInstaller } from './imageInstaller';
import { inactiveSlot, withResult, type OtaState, type SlotImage, type SlotName, type SlotStore } from './slots';
import type { StagedDownload, Staging } from './staging';

/** What a job needs from the agent around it. */
export interface JobContext {
  staging: Staging;
  slots: SlotStore;
  installer: ImageInstaller;
  uart: Uart | undefined;
  busy: BusyProbe | undefined;
  busyPollMs: number;
  /** Where the image goes when the manifest gives no loadAddress (the board's flash base). */
  flashBase: number;
  /** The byte unwritten flash reads as; a shorter rollback image is padded with it over the longer failed one. */
  erasedByte: number;
  log: Logger;
  /** What the target reports about the firmware it runs now (recorded with a snapshot of it). */
  firmware: () => FirmwareInfo;
  /** Reads and writes the persisted OTA state (one owner: the service). */
  state: { get(): OtaState; set(next: OtaState): void };
}

/** The phases of a job; `done` once it reported a terminal status. */
export type JobPhase = 'downloading' | 'verifying' | 'deferred' | 'installing' | 'rebooting' | 'confirming' | 'done';

/**
 * Emits 'status' (StatusMessage) on every phase change and 'ack' (offset) after each chunk reaches the disk.
 * `latest` is the last status, for a sender that reconnects.
 */
export class UpdateJob extends EventEmitter {
  phase: JobPhase = 'downloading';
  latest: StatusMessage | undefined;
  readonly manifest: Manifest;
  private download: StagedDownload | undefined;
  private readonly abort = new AbortController();

  constructor(
    readonly deploymentId: string,
    readonly signed: SignedManifest,
    private readonly health: { ready: string; timeoutMs: number },
    private readonly ctx: JobContext,
  ) {
    super();
    this.manifest = signed.manifest;
  }

  /** Opens the staged download and returns the offset to ask for; past the download, resolves undefined. */
  async resumeOffset(): Promise<number | undefined> {
    if (this.phase !== 'downloading') return undefined;
    this.download ??= await this.ctx.staging.open(this.manifest.imageSha256, this.manifest.imageSize);
    if (this.download.complete) {
      this.startInstall();
      return undefined;
    }
    return this.download.offset;
  }

  /** Stores one chunk; the last one starts verification and install in the background. */
  async receive(chunk: OtaChunk): Promise<void> {
    if (this.phase !== 'downloading' || !this.download)
      throw new OtaError('TRANSFER_ERROR', 'chunk outside a download');
    await this.download.write(chunk.offset, chunk.data);
    this.emit('ack', this.download.offset);
    if (this.download.complete) this.startInstall();
  }

  // Runs the rest of the update in the background; anything unexpected (disk, state file) ends it as failed.
  private startInstall(): void {
    this.afterDownload().catch((err: Error) => {
      this.ctx.log.error('update failed unexpectedly', { error: err.message });
      if (this.phase !== 'done') this.fail('STORAGE_FAILED', err.message);
    });
  }

  /** Stops the update if it has not started writing the target; the staged bytes stay for a later resume. */
  cancel(reason: string): boolean {
    if (this.phase !== 'downloading' && this.phase !== 'verifying' && this.phase !== 'deferred') return false;
    this.abort.abort(new OtaError('CANCELED', reason));
    if (this.phase === 'downloading') {
      void this.download?.close();
      this.finish({ t: 'status', state: 'failed', code: 'CANCELED', reason });
    }
    return true;
  }

  /** Drops a download nobody will finish (another image was offered); the partial file is removed by staging. */
  async abandon(): Promise<void> {
    this.phase = 'done';
    await this.download?.close();
  }

  private report(status: StatusMessage): void {
    this.latest = status;
    if (status.state !== 'failed' && status.state !== 'rolled_back' && status.state !== 'confirmed')
      this.phase = status.state;
    this.emit('status', status);
  }

  private finish(status: StatusMessage): void {
    const s = this.ctx.state.get();
    this.ctx.state.set(
      withResult(s, {
        deploymentId: this.deploymentId,
        imageSha256: this.manifest.imageSha256,
        state: status.state as 'confirmed' | 'failed' | 'rolled_back',
        ...(status.code && { code: status.code }),
        ...(status.reason && { reason: status.reason }),
        ...(status.version && { version: status.version, buildId: status.buildId }),
        at: new Date().toISOString(),
      }),
    );
    this.report(status);
    this.phase = 'done';
  }

  private fail(code: OtaErrorCode, reason: string): void {
    this.finish({ t: 'status', state: 'failed', code, reason });
  }

  private async afterDownload(): Promise<void> {
    if (this.phase !== 'downloading') return;
    const { log } = this.ctx;
    this.report({ t: 'status', state: 'verifying' });
    let file: string;
    try {
      file = await (this.download as StagedDownload).finish();
    } catch (err) {
      const e = err instanceof OtaError ? err : new OtaError('STORAGE_FAILED', (err as Error).message);
      log.warn('image refused', { code: e.code, imageSha256: this.manifest.imageSha256 });
      return this.fail(e.code, e.message);
    }
    try {
      if (this.ctx.busy) {
        await waitWhileBusy(this.ctx.busy, {
          pollMs: this.ctx.busyPollMs,
          signal: this.abort.signal,
          onBusy: (reason) => this.report({ t: 'status', state: 'deferred', reason }),
          onProbeError: (err) => log.info('busy check unavailable; installing', { error: err.message }),
        });
      }
    } catch (err) {
      return this.fail('CANCELED', (err as Error).message);
    }
    if (this.abort.signal.aborted) return this.fail('CANCELED', (this.abort.signal.reason as Error).message);
    await this.install(file);
  }

  private async install(file: string): Promise<void> {
    const { slots, installer, log } = this.ctx;
    const loadAddress = this.manifest.loadAddress ?? this.ctx.flashBase;
    await this.ensureRollbackImage(loadAddress);
    let state = this.ctx.state.get();
    const slot = inactiveSlot(state);
    const previous = state.active ? { slot: state.active, image: state.slots[state.active] } : undefined;
    const image: SlotImage = {
      imageSha256: this.manifest.imageSha256,
      imageSize: this.manifest.imageSize,
      loadAddress,
      version: this.manifest.version,
      buildId: this.manifest.buildId,
      board: this.manifest.board,
      antiRollback: this.manifest.antiRollback,
      source: 'ota',
    };
    slots.place(slot, file);
    state = {
      ...state,
      slots: { ...state.slots, [slot]: image },
      trial: { slot, deploymentId: this.deploymentId, startedAt: new Date().toISOString() },
    };
    this.ctx.state.set(state);
    this.report({ t: 'status', state: 'installing' });
    const watch = this.ctx.uart ? armHealthWatch(this.ctx.uart, this.health.ready || DEFAULT_READY) : undefined;
    try {
      await installer.install({ file: slots.slotPath(slot), loadAddress, version: image.version });
    } catch (err) {
      watch?.dispose();
      log.warn('install failed', { error: (err as Error).message });
      return this.rollBack(previous, image, 'INSTALL_FAILED', (err as Error).message);
    }
    this.report({ t: 'status', state: 'rebooting' });
    const outcome = await this.awaitHealth(watch);
    if (!outcome.healthy) return this.rollBack(previous, image, 'HEALTH_CHECK_FAILED', outcome.reason);
    state = this.ctx.state.get();
    this.ctx.state.set({
      ...state,
      active: slot,
      trial: null,
      antiRollbackFloor: Math.max(state.antiRollbackFloor, this.manifest.antiRollback),
    });
    log.info('update confirmed', { version: this.manifest.version, buildId: this.manifest.buildId });
    this.finish({ t: 'status', state: 'confirmed', version: this.manifest.version, buildId: this.manifest.buildId });
  }

  private async awaitHealth(watch: HealthWatch | undefined): Promise<{ healthy: boolean; reason: string }> {
    this.report({ t: 'status', state: 'confirming' });
    if (!watch) {
      this.ctx.log.warn('no UART: the trial boot cannot be checked; confirming on a verified install');
      return { healthy: true, reason: '' };
    }
    const outcome = await watch.wait(this.health.timeoutMs);
    watch.dispose();
    return outcome.healthy ? { healthy: true, reason: '' } : outcome;
  }

  // Before the first update the running firmware is in no slot: read it so there is something to go back to.
  private async ensureRollbackImage(loadAddress: number): Promise<void> {
    const state = this.ctx.state.get();
    if (state.active) return;
    const bytes = await this.ctx.installer.snapshot(loadAddress);
    if (!bytes) {
      this.ctx.log.warn('the running firmware could not be read: this update cannot be rolled back');
      return;
    }
    this.ctx.slots.writeSlot('b', bytes);
    const running = this.ctx.firmware();
    const snapshot: SlotImage = {
      imageSha256: '',
      imageSize: bytes.length,
      loadAddress,
      version: running.version ?? 'unknown',
      buildId: running.buildId ?? 'unknown',
      board: this.manifest.board,
      antiRollback: state.antiRollbackFloor,
      source: 'snapshot',
    };
    this.ctx.state.set({ ...state, active: 'b', slots: { ...state.slots, b: snapshot } });
  }

  private async rollBack(
    previous: { slot: SlotName; image: SlotImage | null } | undefined,
    failed: SlotImage,
    code: OtaErrorCode,
    reason: string,
  ): Promise<void> {
    const state = this.ctx.state.get();
    this.ctx.state.set({ ...state, trial: null });
    if (!previous?.image) return this.fail('NO_PREVIOUS_IMAGE', `${reason}; nothing to roll back to`);
    const slotFile = this.ctx.slots.slotPath(previous.slot);
    const sameRegion = previous.image.loadAddress === failed.loadAddress;
    const file = sameRegion ? padded(slotFile, failed.imageSize, this.ctx.erasedByte) : slotFile;
    try {
      await this.ctx.installer.install({
        file,
        loadAddress: previous.image.loadAddress,
        ...(previous.image.version !== 'unknown' && { version: previous.image.version }),
      });
    } catch (err) {
      return this.fail(
        'ROLLBACK_FAILED',
        `${reason}; reinstalling the previous image failed: ${(err as Error).message}`,
      );
    } finally {
      if (file !== slotFile) fs.rmSync(file, { force: true });
    }
    this.ctx.log.warn('update rolled back', { code, reason });
    this.finish({ t: 'status', state: 'rolled_back', code, reason });
  }
}

// A rollback image shorter than the failed one is installed padded with the erased byte, so no tail of the
// failed image survives in flash (what a sector erase would have left). Returns a temporary file when padding.
function padded(file: string, size: number, fill: number): string {
  const bytes = fs.readFileSync(file);
  if (bytes.length >= size) return file;
  const out = `${file}.padded`;
  fs.writeFileSync(out, Buffer.concat([bytes, Buffer.alloc(size - bytes.length, fill)]));
  return out;
}
