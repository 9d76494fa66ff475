// Bad input in real VS Code: each mistake gets one clear notification naming what is wrong and a next step that
// works — no relay at the address, deploying before anything was built, a console to a device that is offline.
import assert from 'node:assert/strict';
import net from 'node:net';
import { useLiveFleet } from './liveFleet';

/** A loopback port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Bad input in the editor: clear messages with a next step', function () {
  // A fresh clone: the project was never built.
  const { fleet, vscode } = useLiveFleet({ devices: 1, workspace: 'unbuilt' });

  it('says the relay cannot be reached, and Change Relay… connects to the right one', async () => {
    const wb = vscode();
    const device = fleet().members[0].name;
    const wrong = `ws://127.0.0.1:${await closedPort()}`;
    await wb.runCommand('Outpost: Connect to Relay…');
    await wb.answerInputBox(wrong, /Relay URL/);
    const error = await wb.waitForNotification(/Cannot reach the Outpost relay/);
    assert.equal(error.severity, 'error');
    assert.equal(
      error.message,
      `Outpost: Cannot reach the Outpost relay at ${wrong} (connection refused). Check the URL (setting outpost.relay) and that the relay is running (\`outpost relay\`).`,
    );
    assert.deepEqual(error.actions, ['Change Relay…', 'Retry']);

    await wb.clickNotificationAction(/Cannot reach the Outpost relay/, 'Change Relay…');
    await wb.answerInputBox(fleet().relay.url, /Relay URL/);
    await wb.openViewContainer('Outpost');
    await wb.poll(
      () => wb.treeRows('Fleet'),
      (rows) => rows.some((r) => r.label === device && !/offline/.test(r.description)),
      { what: `${device} online after connecting to ${fleet().relay.url}` },
    );
  });

  it('says there is no build output yet when deploying, and offers to build it', async () => {
    const wb = vscode();
    await wb.openFile('platformio.ini');
    await wb.clickCodeLens('Deploy OTA', '[env:sim]');
    const error = await wb.waitForNotification(/no build output/);
    assert.equal(error.severity, 'error');
    assert.match(
      error.message,
      /^Outpost: no build output for \[env:sim\]: \S+\/\.pio\/build\/sim\/firmware\.elf is missing\. Build it first \(pio run -e sim\)\.$/,
    );
    assert.deepEqual(error.actions, ['Build with PlatformIO']);
    await wb.clickNotificationAction(/no build output/, 'Build with PlatformIO');
    await wb.poll(
      () => wb.terminalNames(),
      (names) => names.includes('PlatformIO: sim'),
      { what: 'a "PlatformIO: sim" terminal' },
    );
    await wb.poll(
      () => wb.terminalText(),
      (t) => t.includes('pio run -e sim'),
      { what: '`pio run -e sim` typed into the terminal' },
    );
  });

  it('says the device is offline when opening its console', async () => {
    const wb = vscode();
    const device = fleet().members[0].name;
    await wb.runCommand('Outpost: Connect to Relay…'); // whatever the tests before left
    await wb.answerInputBox(fleet().relay.url, /Relay URL/);
    await wb.openViewContainer('Outpost');
    await wb.poll(
      () => wb.treeRows('Fleet'),
      (rows) => rows.some((r) => r.label === device),
      { what: `${device} in the Fleet view` },
    );
    await fleet().stopDevice(device);
    await wb.poll(
      () => wb.treeRows('Fleet'),
      (rows) => rows.some((r) => r.label === device && /offline/.test(r.description)),
      { what: `${device} offline in the Fleet view` },
    );
    await wb.runCommand('Outpost: Open Console');
    await wb.pickQuickItem(device);
    const error = await wb.waitForNotification(new RegExp(`${device} is offline`));
    assert.equal(error.severity, 'error');
    assert.equal(
      error.message,
      `Outpost: ${device} is offline: its agent is not connected to the relay. Try again once the Fleet view shows it online.`,
    );
    assert.deepEqual(error.actions, ['Show Fleet']);
    assert.ok(!(await wb.terminalNames()).includes(`Outpost: ${device}`), 'no dead console terminal');
  });
});
