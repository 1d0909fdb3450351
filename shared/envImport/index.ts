/**
 * Import from the environment: the `.env` parser and the rules mapping variables to connections,
 * shared by the CLI (`switchboard import-env`) and the extension ("Import from Environment").
 */
import { parseDotEnv } from './dotenv';
import type { EnvProblem, EnvSource } from './detect';

export * from './detect';
export { parseDotEnv, type DotEnvProblem, type OuterLookup, type ParsedDotEnv } from './dotenv';

/**
 * Reads one `.env` file's text as a source for {@link detectConnections}: references expanded with
 * `environment` first, and the lines left out reported as problems naming the file and line.
 */
export function dotEnvSource(
  label: string,
  text: string,
  environment: EnvSource['vars'],
): { source: EnvSource; problems: EnvProblem[] } {
  const parsed = parseDotEnv(text, (name) => environment[name]);
  return {
    source: { label, vars: parsed.values },
    problems: parsed.problems.map((p) => ({ variable: p.variable, source: `${label}:${p.line}`, message: p.message })),
  };
}
