#!/usr/bin/env node
/**
 * The `simdtrain` command line: `simdtrain [command] [options]`. Commands
 * are listed in ./commands.ts; `npm start` runs the default one (train).
 */
import { commands, defaultCommand } from './commands';

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `usage: simdtrain [command] [options]\n\ncommands:\n${lines.join('\n')}\n\ndefault: ${defaultCommand}; 'simdtrain <command> --help' for its options`;
}

async function main(argv: string[]): Promise<void> {
  const [first, ...rest] = argv;
  if (first === '--help' || first === '-h' || first === 'help') {
    console.log(usage());
    return;
  }
  const name = first === undefined || first.startsWith('-') ? defaultCommand : first;
  const command = commands[name];
  if (!command) {
    console.error(`simdtrain: unknown command '${name}'\n\n${usage()}`);
    process.exitCode = 2;
    return;
  }
  await command.run(first === name ? rest : argv);
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`simdtrain: ${error.message}`);
  process.exitCode = 1;
});
