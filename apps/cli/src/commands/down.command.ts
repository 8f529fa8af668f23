import type { Command } from 'commander';
import { systemComponents } from '../services/system';
import { formatDownResult, findRepoRoot, bringDown, resolveStackSettings } from '@tideline/devstack';
import type { RegisterCommand } from './index';

/** `tideline down`: the apps first (they flush to the servers), then the stack; only what tideline started. */
export const registerDownCommand: RegisterCommand = (program: Command) => {
  program
    .command('down')
    .description('stop the services and the local stack that `tideline up` started')
    .action(async () => {
      const settings = resolveStackSettings(process.env, findRepoRoot(), process.cwd());
      const { stack, apps } = systemComponents(settings, process.env);
      for (const result of await bringDown(apps)) process.stdout.write(`${formatDownResult(result)}\n`);
      for (const result of await bringDown(stack)) process.stdout.write(`${formatDownResult(result)}\n`);
    });
};
