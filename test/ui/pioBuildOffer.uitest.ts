// After a PlatformIO build task ends, real VS Code offers to deploy its output (issue #6): a `pio run -e sim` task
// from .vscode/tasks.json, run from the command palette, ends in a notification whose "Deploy OTA" signs the fresh
// build and rolls it out to the device the user picks; a failed build, or a user who said "Don't Ask Again"
// (outpost.offerDeployAfterBuild: false), gets no offer.
//
// PlatformIO itself cannot be installed on this machine, so `pio` on the tasks' PATH is a stand-in (fakePio.ts):
// it answers `pio run -e ENV` like PlatformIO, but the firmware build behind it is real (Outpost's sim build with
// arm-none-eabi-gcc into .pio/build/ENV/firmware.elf), as are the relay, the device in QEMU and the OTA.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { UI_ARTIFACTS_DIR, type Workbench } from './harness';
import { installFakePio } from './fakePio';
import { useLiveFleet } from './liveFleet';

const NEW_VERSION = '1.1.0';
const TASK = 'Build sim firmware';
const OFFER = /^PlatformIO built \[env:sim\]\. Deploy it over the air with Outpost\?/;
// What VS Code prints in a task's terminal once its process is over.
const TASK_ENDED = /Terminal will be reused by tasks/;

// A custom task the way PlatformIO users write them: a shell task running the pio CLI.
const TASKS_JSON = JSON.stringify(
  {
    version: '2.0.0',
    tasks: [
      {
        label: TASK,
        type: 'shell',
        command: 'pio run -e sim',
        group: 'build',
        problemMatcher: [],
      },
    ],
  },
  null,
  2,
);

/** Runs the workspace's build task from the command palette and waits until its terminal shows it ended. */
async function runBuildTask(wb: Workbench): Promise<string> {
  await wb.runCommand('Notifications: Clear All Notifications');
  await wb.runCommand('Terminal: Kill All Terminals'); // so the end read below is this run's, not the last one's
  await wb.runCommand('Tasks: Run Task');
  await wb.pickQuickItem(TASK);
  return wb.poll(
    () => wb.terminalText(),
    (t) => TASK_ENDED.test(t),
    {
      what: `the "${TASK}" task to end`,
      timeoutMs: 120_000,
    },
  );
}

/** The offers to deploy on screen or in the notification center, a short while after a build ended. */
async function offersAfterBuild(wb: Workbench): Promise<string[]> {
  await new Promise((r) => setTimeout(r, 3000)); // the offer follows the task's end within milliseconds
  await wb.runCommand('Notifications: Show Notifications');
  const offers = (await wb.notifications()).filter((n) => OFFER.test(n.message)).map((n) => n.message);
  await wb.runCommand('Notifications: Hide Notifications');
  return offers;
}

/** The Fleet view's description of `device` (its row as a leaf, not a tag group). */
async function fleetDescription(wb: Workbench, device: string): Promise<string | undefined> {
  const rows = await wb.treeRows('Fleet');
  return rows.find((r) => r.label === device && r.expanded === undefined)?.description;
}

describe('Deploy offer after a PlatformIO build task', function () {
  let pioBin = '';
  before(async () => {
    pioBin = await installFakePio(await mkdtemp(path.join(os.tmpdir(), 'outpost-ui-pio-')));
  });
  after(async () => {
    if (pioBin) await rm(pioBin, { recursive: true, force: true });
  });

  // `pio` reaches the tasks' shell the way PlatformIO IDE puts its own there: through the terminal environment
  // setting (VS Code starts from a login shell's environment, which resets PATH, so code-server's own env is no use).
  const { fleet, vscode } = useLiveFleet({ devices: 1 }, (f) => {
    const base = f.workbenchOptions();
    return {
      ...base,
      files: { '.vscode/tasks.json': TASKS_JSON },
      settings: { ...base.settings, 'terminal.integrated.env.linux': { PATH: `${pioBin}:\${env:PATH}` } },
    };
  });

  it('offers to deploy the build `pio run -e sim` made, and the picked device runs it', async () => {
    const wb = vscode();
    const device = fleet().members[0].name;
    await wb.openViewContainer('Outpost');
    await wb.poll(
      () => fleetDescription(wb, device),
      (d) => /^1\.0\.0 /.test(d ?? ''),
      { what: `${device} online with 1.0.0` },
    );
    // The user bumps the version in platformio.ini and builds.
    const ini = path.join(wb.workspace, 'platformio.ini');
    const text = await readFile(ini, 'utf8');
    assert.match(text, /FW_VERSION=\\"1\.0\.0\\"/);
    await writeFile(ini, text.replace('FW_VERSION=\\"1.0.0\\"', `FW_VERSION=\\"${NEW_VERSION}\\"`));

    const terminal = await runBuildTask(wb);
    assert.match(terminal, /Linking \.pio\/build\/sim\/firmware\.elf/);
    assert.match(terminal, /\[SUCCESS\]/);
    const offer = await wb.waitForNotification(OFFER, { timeoutMs: 30_000 });
    assert.deepEqual(offer.actions, ['Deploy OTA', "Don't Ask Again"]);
    await wb.screenshot(path.join(UI_ARTIFACTS_DIR, 'pio-build-offer.png'));

    await wb.clickNotificationAction(OFFER, 'Deploy OTA');
    await wb.poll(
      () => wb.quickInputPrompt(),
      (p) => /deploy \[env:sim\] to/.test(p),
      { what: 'the targets pick for [env:sim]' },
    );
    await wb.pickQuickItems([device]);
    const started = await wb.waitForNotification(/deployment \S+ of \S+ started/, { timeoutMs: 60_000 });
    assert.match(started.message, new RegExp(`deployment \\S+ of ${NEW_VERSION.replace(/\./g, '\\.')} started`));
    assert.match(started.message, /for 1 device\(s\)/);

    await wb.openViewContainer('Outpost');
    const done = await wb.poll(
      () => wb.treeRows('Deployments'),
      (rows) => rows.some((r) => r.label === NEW_VERSION && /^(succeeded|failed|aborted)\b/.test(r.description)),
      { what: `the ${NEW_VERSION} deployment to finish`, timeoutMs: 120_000 },
    );
    assert.equal(done.find((r) => r.label === NEW_VERSION)?.description, 'succeeded · 1/1 confirmed');
    await wb.poll(
      () => fleetDescription(wb, device),
      (d) => d?.startsWith(`${NEW_VERSION} `) === true,
      { what: `${device} on ${NEW_VERSION} in the Fleet view` },
    );
    await wb.screenshot(path.join(UI_ARTIFACTS_DIR, 'pio-build-deployed.png'));
  });

  it('offers nothing when the build fails', async () => {
    const wb = vscode();
    const main = path.join(wb.workspace, 'src', 'main.c');
    const source = await readFile(main, 'utf8');
    await writeFile(main, source + '\n#error broken on purpose\n');
    try {
      const terminal = await runBuildTask(wb);
      assert.match(terminal, /error: #error broken on purpose/);
      assert.match(terminal, /\[FAILED\]/);
      assert.deepEqual(await offersAfterBuild(wb), []);
    } finally {
      await writeFile(main, source);
    }
  });

  it("offers nothing once the user chose Don't Ask Again (outpost.offerDeployAfterBuild: false)", async () => {
    const wb = vscode();
    assert.match(await runBuildTask(wb), /\[SUCCESS\]/);
    await wb.clickNotificationAction(OFFER, "Don't Ask Again");
    const userSettings = path.join(path.dirname(wb.logsDir), 'User', 'settings.json');
    await wb.poll(
      () => readFile(userSettings, 'utf8'),
      (t) => /"outpost\.offerDeployAfterBuild":\s*false/.test(t),
      { what: `outpost.offerDeployAfterBuild: false in ${userSettings}` },
    );

    assert.match(await runBuildTask(wb), /\[SUCCESS\]/);
    assert.deepEqual(await offersAfterBuild(wb), []);
  });
});
