import { dirname, resolve } from 'node:path';

/**
 * The folder the user ran the command from. `npm run` and `npm start` move into the package's
 * folder first and leave the folder the user typed the command in as INIT_CWD; a command started
 * any other way (npx, node, a test) runs where it was started.
 */
export function callerDirectory(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  const movedByNpm = env.INIT_CWD !== undefined && env.npm_package_json !== undefined && resolve(dirname(env.npm_package_json)) === resolve(cwd);
  return movedByNpm ? resolve(env.INIT_CWD!) : cwd;
}

/** A file named on the command line, as an absolute path from the caller's folder: print this one. */
export function callerPath(file: string, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  return resolve(callerDirectory(env, cwd), file);
}
