import { runAgent } from './agent/agent-cli';

void runAgent(process.argv.slice(2));
