// After a PlatformIO build task ends well, offers to deploy its output over the air (setting outpost.offerDeployAfterBuild).
import * as vscode from 'vscode';
import { Commands } from './ids';
import { pioBuildOf, shellWords, type EndedTask } from './pioBuildTask';
import type { PioEnvTarget } from './pioCodeLens';

function endedTask(e: vscode.TaskProcessEndEvent): EndedTask {
  const task = e.execution.task;
  const exec = task.execution;
  if (exec instanceof vscode.ProcessExecution) {
    return {
      type: task.definition.type,
      command: exec.process,
      args: exec.args,
      cwd: exec.options?.cwd,
      exitCode: e.exitCode,
    };
  }
  if (exec instanceof vscode.ShellExecution) {
    const text = (v: string | vscode.ShellQuotedString): string => (typeof v === 'string' ? v : v.value);
    const words = exec.commandLine !== undefined ? shellWords(exec.commandLine) : [];
    const command = exec.command !== undefined ? text(exec.command) : words[0];
    const args = exec.command !== undefined ? (exec.args ?? []).map(text) : words.slice(1);
    return { type: task.definition.type, command, args, cwd: exec.options?.cwd, exitCode: e.exitCode };
  }
  return { type: task.definition.type, command: undefined, args: [], cwd: undefined, exitCode: e.exitCode };
}

/** Watches task ends; one prompt per successful build, with a button that runs the Deploy OTA command. */
export function registerPioBuildOffer(): vscode.Disposable {
  return vscode.tasks.onDidEndTaskProcess(async (e) => {
    if (!vscode.workspace.getConfiguration('outpost').get<boolean>('offerDeployAfterBuild', true)) return;
    const build = pioBuildOf(endedTask(e));
    if (!build) return;
    const what =
      build.envs.length > 0 ? build.envs.map((env) => `[env:${env}]`).join(', ') : 'the default environments';
    const choice = await vscode.window.showInformationMessage(
      `PlatformIO built ${what}. Deploy it over the air with Outpost?`,
      'Deploy OTA',
      "Don't Ask Again",
    );
    if (choice === 'Deploy OTA') {
      const target: Partial<PioEnvTarget> = {
        projectDir: build.projectDir,
        pioEnv: build.envs.length === 1 ? build.envs[0] : undefined,
      };
      await vscode.commands.executeCommand(Commands.deploy, target.projectDir && target.pioEnv ? target : undefined);
    } else if (choice === "Don't Ask Again") {
      await vscode.workspace
        .getConfiguration('outpost')
        .update('offerDeployAfterBuild', false, vscode.ConfigurationTarget.Global);
    }
  });
}
