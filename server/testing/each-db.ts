import { describe } from 'vitest';
import { DIALECTS, type DialectName, postgresMissing } from './databases.ts';

const missing = await postgresMissing();
if (missing && process.env.CI === 'true') throw new Error(`${missing}; under CI=true PostgreSQL is required`);
if (missing) console.warn(`skipping PostgreSQL suites: ${missing}`);

/** Runs one suite against SQLite and PostgreSQL, parametrised rather than copied. */
export function describeEachDb(name: string, fn: (dialect: DialectName) => void): void {
  for (const dialect of DIALECTS) {
    const skip = dialect === 'postgres' && Boolean(missing);
    (skip ? describe.skip : describe)(`${name} [${dialect}]`, () => fn(dialect));
  }
}
