// After a PlatformIO build task ends well, offers to deploy its output over the air (setting outpost.offerDeployAfterBuild).
import * as vscode from 'vscode';
import { Commands } from './ids';
import { pioBuildOf, shellTaskWords, taskCwd, type EndedTask } from './pioBuildTask';
import { findCurrentProjectDir } from './workspaceProject';
import type { PioEnvTarget } from './pioCodeLens';

function endedTask(e: vscode.TaskProcessEndEvent): EndedTask {
  const task = e.execution.task;
  const exec = task.execution;
  const scope = task.scope;
  const folder = typeof scope === 'object' ? scope.uri.fsPath : vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const ended = { type: task.definition.type, exitCode: e.exitCode };
  if (exec instanceof vscode.ProcessExecution) {
    return { ...ended, command: exec.process, args: exec.args, cwd: taskCwd(exec.options?.cwd, folder) };
  }
  if (exec instanceof vscode.ShellExecution) {
    const text = (v: string | vscode.ShellQuotedString): string => (typeof v === 'string' ? v : v.value);
    const words = shellTaskWords({
      commandLine: exec.commandLine,
      command: exec.command === undefined ? undefined : text(exec.command),
      args: (exec.args ?? []).map(text),
    });
    return { ...ended, ...words, cwd: taskCwd(exec.options?.cwd, folder) };
  }
  return { ...ended, command: undefined, args: [], cwd: undefined };
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
      // The environment that was built, even when the task's folder is unknown (deploy then takes the current
      // project); without it deploy would fall back to the project's default environment, maybe another one.
      const projectDir = build.projectDir ?? findCurrentProjectDir();
      const target: PioEnvTarget | undefined =
        build.envs.length === 1 && projectDir ? { projectDir, pioEnv: build.envs[0] } : undefined;
      await vscode.commands.executeCommand(Commands.deploy, target);
    } else if (choice === "Don't Ask Again") {
      await vscode.workspace
        .getConfiguration('outpost')
        .update('offerDeployAfterBuild', false, vscode.ConfigurationTarget.Global);
    }
  });
}
