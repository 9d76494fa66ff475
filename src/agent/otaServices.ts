// Wires OTA into an agent: the installer that fits the target, the busy probe on its console, the `ota` handler.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../common/log';
import type { Disposable } from '../link/connection';
import { boardMemory, type BoardMemory } from './ota/boards';
import { consoleBusyProbe } from './ota/busy';
import { flashImageToElf } from './ota/flashElf';
import { erasedByte, GdbInstaller, type ResetStyle } from './ota/gdbInstaller';
import type { ImageInstaller } from './ota/imageInstaller';
import { OtaService } from './ota/otaService';
import { SimInstaller, type ImageBootingTarget } from './ota/simInstaller';
import { SlotStore } from './ota/slots';
import type { Target } from './target';
import { execCommand } from './uart/execClient';
import type { HandlerRegistry } from './uartServices';

/** OTA settings of one agent (from `outpost agent` / `outpost sim` options). */
export interface OtaSetup {
  /** The agent's state directory (OTA keeps `ota/` under it). */
  stateDir: string;
  /** `--trust` keys. With none, every offer is refused with NO_TRUSTED_SIGNERS. */
  trustedSigners: readonly string[];
  log: Logger;
  /** Flash layout for boards not in boards.ts (gdb/openocd targets). */
  flash?: BoardMemory;
  /** gdb/openocd targets: how the GDB server halts and restarts the core (default `openocd`). */
  reset?: ResetStyle;
  healthTimeoutMs?: number;
  busyPollMs?: number;
}

/** What serveOta set up. */
export interface OtaServices {
  readonly service: OtaService;
  dispose(): void;
}

function isImageBooting(target: Target): target is Target & ImageBootingTarget {
  const t = target as Partial<ImageBootingTarget>;
  return typeof t.installImage === 'function' && typeof t.firmwarePath === 'string';
}

/**
 * Registers the `ota` handler. The first channel (always after Target.start(), since channels arrive once the
 * agent is connected) first rolls back an update whose trial boot an agent restart interrupted.
 */
export function serveOta(agent: HandlerRegistry, target: Target, setup: OtaSetup): OtaServices {
  const otaDir = path.join(setup.stateDir, 'ota');
  const reset = setup.reset ?? (target.kind === 'sim' ? 'qemu' : 'openocd');
  const flash = () => boardMemory(target.firmware().board) ?? setup.flash;
  const installer: ImageInstaller = isImageBooting(target)
    ? new SimInstaller(target, path.join(otaDir, 'boot'))
    : new GdbInstaller({
        connect: () => target.connectGdb(),
        reset,
        workDir: setup.stateDir,
        get flashSize() {
          return flash()?.flashSize ?? 0;
        },
        log: setup.log.child('install'),
      });
  const uart = target.uart;
  const service = new OtaService({
    stateDir: setup.stateDir,
    trustedSigners: setup.trustedSigners,
    installer,
    firmware: () => target.firmware(),
    flash,
    uart,
    busy: uart && consoleBusyProbe(async (cmd) => (await execCommand(uart, cmd, { timeoutMs: 5000 })).output),
    busyPollMs: setup.busyPollMs,
    erasedByte: target.kind === 'sim' ? 0x00 : erasedByte(reset),
    healthTimeoutMs: setup.healthTimeoutMs,
    log: setup.log,
  });
  let recovered: Promise<void> | undefined;
  const handler: Disposable = agent.handle('ota', async (request, context) => {
    recovered ??= service.recover();
    await recovered;
    const channel = request.accept();
    context.log.info('ota channel open', { operator: request.operator });
    await service.serve(channel);
  });
  return {
    service,
    dispose: () => {
      handler.dispose();
      void service.close();
    },
  };
}

/**
 * The ELF a simulator should boot at start: the image OTA installed and confirmed, when there is one, so a
 * restarted `outpost sim`/`agent --target sim` keeps running its update instead of the `--firmware` it began with.
 */
export function otaBootFirmware(stateDir: string): string | undefined {
  const otaDir = path.join(stateDir, 'ota');
  if (!fs.existsSync(path.join(otaDir, 'state.json'))) return undefined;
  const slots = new SlotStore(otaDir);
  const state = slots.load();
  const image = state.active && state.slots[state.active];
  if (!image || image.source !== 'ota' || !state.active) return undefined;
  const elf = path.join(otaDir, 'boot', `active-${image.imageSha256.slice(0, 16)}.elf`);
  fs.mkdirSync(path.dirname(elf), { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    elf,
    flashImageToElf(fs.readFileSync(slots.slotPath(state.active)), image.loadAddress, { version: image.version }),
  );
  return elf;
}
