// A simulated device as `outpost sim` runs it (agent and QEMU in one process tree), which a test can SIGKILL whole,
// or kill only its QEMU, and start again on the same key and state folder.
import { childProcesses } from '../../helpers/processes';
import { startOutpost, type OutpostProcess } from '../../helpers/outpostCli';
import type { DeviceKey } from './killFleet';

/** Where the sim connects and what it trusts and boots. */
export interface SimSetup {
  /** Relay URL (the relay itself or a ThrottledLink in front of it). */
  relay: string;
  firmware: string;
  /** Public keys whose signed images it installs. */
  trust: string[];
}

/** One `outpost sim` device. stop() in an after hook. */
export class SimProcess {
  private constructor(
    readonly device: DeviceKey,
    private readonly setup: SimSetup,
    public process: OutpostProcess,
  ) {}

  /** Starts `outpost sim` and resolves once the relay accepted it. */
  static async start(device: DeviceKey, setup: SimSetup): Promise<SimProcess> {
    const sim = new SimProcess(device, setup, await SimProcess.spawn(device, setup));
    await sim.online();
    return sim;
  }

  private static spawn(device: DeviceKey, setup: SimSetup): Promise<OutpostProcess> {
    const trust = setup.trust.flatMap((k) => ['--trust', k]);
    return startOutpost(
      [
        'sim',
        '--relay',
        setup.relay,
        '--name',
        device.name,
        '--key',
        device.keyFile,
        '--state',
        device.stateDir,
      ].concat(['--firmware', setup.firmware], trust),
      { env: { OUTPOST_LOG_LEVEL: 'debug' } },
    );
  }

  get pid(): number {
    return this.process.child.pid!;
  }

  /** The QEMU this sim runs now (it restarts QEMU after a crash, with a new process id). */
  qemuPid(): number | undefined {
    return childProcesses(this.pid, 'qemu-system-arm')[0];
  }

  /** Resolves when the sim says it is online (again: counts the lines printed so far). */
  async online(timeoutMs = 60_000): Promise<void> {
    const seen = (this.process.stdout().match(/ online/g) ?? []).length;
    await this.process.waitFor(new RegExp(`(?:sim ${this.device.name} online[^\\n]*\\n[^]*){${seen + 1}}`), timeoutMs);
  }

  /** SIGKILLs the agent process (no exit hook runs). */
  async kill(): Promise<void> {
    await this.process.stop('SIGKILL');
  }

  /** Starts `outpost sim` again on the same key and state folder, as a supervisor (systemd) would. */
  async restart(): Promise<void> {
    this.process = await SimProcess.spawn(this.device, this.setup);
    await this.online();
  }

  async stop(): Promise<void> {
    await this.process.stop();
  }
}
