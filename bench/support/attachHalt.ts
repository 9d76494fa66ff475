// How long an attach keeps the target halted (connect's stop → resume at configurationDone), as the debug session
// itself reports it, over the DAP sequence VS Code sends: attach, one source breakpoint, exception filters, done.
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { silentLogger } from '../../src/common/log';
import { OutpostDebugSession } from '../../src/debug/session/outpostSession';
import { directConnector } from '../../src/debug/stub/directConnector';
import { relayDeviceConnector } from '../../src/debug/tunnel/relayDeviceConnector';

const sensorC = path.resolve(__dirname, '..', '..', 'examples', 'u5-sensor', 'src', 'sensor.c');
const HALTED = /the target was halted for (\d+) ms/;

/** One attach with `target` (`gdbTarget` or `device` + `relay` + `identityFile`); resolves with the halt in ms. */
export async function measureAttachHalt(target: Record<string, unknown>, elf: string, line: number): Promise<number> {
  const server = createServer((socket) => {
    const session = new OutpostDebugSession({
      connectors: { gdbTarget: directConnector, device: relayDeviceConnector({ log: silentLogger }) },
    });
    session.setRunAsServer(true);
    session.start(socket, socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dc = new DebugClient('node', '', 'outpost');
  try {
    await dc.start((server.address() as AddressInfo).port);
    const halted = new Promise<number>((resolve) =>
      dc.on('output', (e: DebugProtocol.OutputEvent) => {
        const m = HALTED.exec(e.body.output);
        if (m) resolve(Number(m[1]));
      }),
    );
    await dc.initializeRequest();
    const args = { ...target, executable: elf, stubKind: 'qemu' } as DebugProtocol.AttachRequestArguments;
    await Promise.all([dc.waitForEvent('initialized'), dc.attachRequest(args)]);
    await dc.setBreakpointsRequest({ source: { path: sensorC }, breakpoints: [{ line }] });
    await dc.setExceptionBreakpointsRequest({ filters: ['faults'] });
    await dc.configurationDoneRequest();
    const ms = await halted;
    await dc.disconnectRequest({});
    return ms;
  } finally {
    await dc.stop();
    server.close();
  }
}
