import type { Command } from 'commander';
import { appServices } from '../services/app-services';
import { systemComponents, systemUp } from '../services/system';
import { whereToLook } from '../services/where-to-look';
import {
  consoleOutput,
  printUpResults,
  timeoutSecondsOption,
  formatDuration,
  upSucceeded,
  findRepoRoot,
  DEFAULT_READY_TIMEOUT_MS,
  resolveStackSettings,
} from '@tideline/devstack';
import type { RegisterCommand } from './index';

/** `tideline up`: the stack plus the four apps in the background; returns when every `/health` answers 200. */
export const registerUpCommand: RegisterCommand = (program: Command) => {
  program
    .command('up')
    .description('start the local stack and the four services in the background; wait until all are healthy')
    .addOption(timeoutSecondsOption('how long to wait for each group to become ready', DEFAULT_READY_TIMEOUT_MS))
    .action(async (options: { timeout: number }) => {
      const out = consoleOutput(false);
      const settings = resolveStackSettings(process.env, findRepoRoot(), process.cwd());
      const { stack, apps } = systemComponents(settings, process.env);
      const started = Date.now();
      out.info(`home: ${settings.paths.home}`);
      const results = await systemUp(settings, process.env, options.timeout, out);
      printUpResults([...results.stack, ...results.apps], [...stack, ...apps], out);
      if (!upSucceeded(results.stack) || results.apps.length === 0 || !upSucceeded(results.apps)) {
        out.error(
          'tideline up failed (see above); `npx tideline status` shows what runs, `npx tideline down` stops it.',
        );
        process.exitCode = 1;
        return;
      }
      out.info(`everything healthy in ${formatDuration(Date.now() - started)}`);
      whereToLook(settings, appServices(process.env)).forEach((line) => out.info(line));
    });
};
