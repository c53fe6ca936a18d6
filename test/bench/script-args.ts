/** A dev script's arguments: the first bare one is the file (exits with the usage line when it is missing), `flag(name)` the value after `--name`. */
export function scriptArgs(usage: string): { file: string; args: string[]; flag: (name: string) => string | undefined } {
  const args = process.argv.slice(2);
  const file = args.find((a) => !a.startsWith('--'));
  if (!file) {
    process.stderr.write(`usage: ${usage}\n`);
    process.exit(2);
  }
  const flag = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  return { file, args, flag };
}
