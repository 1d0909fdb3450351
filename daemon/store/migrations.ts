/**
 * Ordered, one-step migrations of `db.json`: step N turns a version-N file into a version-N+1 file.
 * A file is walked from its own version up to {@link CURRENT_SCHEMA_VERSION}, one step at a time, so
 * each step only ever needs to know its two neighbours.
 *
 * A file from a *newer* daemon is refused rather than downgraded: an older daemon cannot know what the
 * newer fields mean, and rewriting the file without them would lose the user's data.
 */
import { ErrorCode, SwitchboardError } from '../../shared/errors';
import { CURRENT_SCHEMA_VERSION, defaultSettings, type DbData } from './schema';

/** A JSON object of unknown shape: what a migration step sees. */
export type RawDb = Record<string, unknown>;

export interface Migration {
  /** The version this step reads; it produces `from + 1`. */
  from: number;
  /** What changed, for the log line. */
  description: string;
  /** Returns the migrated object (may mutate and return its argument). Need not set `schemaVersion`. */
  up(db: RawDb): RawDb;
}

/**
 * The daemon's migrations, in order. Version 0 is any file written before `schemaVersion` existed
 * (or by hand): it may lack every collection but `connections`.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    from: 0,
    description: 'add schemaVersion, settings, usage, modelCache and providers where missing',
    up(db) {
      const settings = isObject(db.settings) ? db.settings : {};
      return {
        ...db,
        connections: Array.isArray(db.connections) ? db.connections : [],
        providers: Array.isArray(db.providers) ? db.providers : [],
        settings: { ...defaultSettings(), ...settings },
        usage: Array.isArray(db.usage) ? db.usage : [],
        modelCache: isObject(db.modelCache) ? db.modelCache : {},
      };
    },
  },
  {
    from: 1,
    description: 'add prices, limits and budgetWarnings; give usage rows costUsd and unpricedRequests',
    up(db) {
      // Usage recorded before prices existed has unknown cost, never zero.
      const usage = Array.isArray(db.usage)
        ? db.usage.map((row) =>
            isObject(row)
              ? { costUsd: 0, unpricedRequests: typeof row.requests === 'number' ? row.requests : 0, ...row }
              : row,
          )
        : [];
      return {
        ...db,
        usage,
        prices: Array.isArray(db.prices) ? db.prices : [],
        limits: isObject(db.limits) ? db.limits : {},
        budgetWarnings: isObject(db.budgetWarnings) ? db.budgetWarnings : {},
      };
    },
  },
];

export interface MigrationResult {
  data: DbData;
  /** The version the file had. */
  fromVersion: number;
  /** Descriptions of the steps applied, in order (empty when the file was current). */
  applied: string[];
}

export interface MigrateOptions {
  /** The file's path, for messages. */
  file: string;
  /** Default: {@link MIGRATIONS} (tests pass synthetic ones). */
  migrations?: readonly Migration[] | undefined;
  /** Default: {@link CURRENT_SCHEMA_VERSION}. */
  target?: number | undefined;
}

/**
 * Brings a parsed `db.json` up to `target`. A missing `schemaVersion` means 0.
 * Throws STORE_FAILED when the file is newer than `target`, or when a step is missing.
 */
export function migrate(raw: RawDb, options: MigrateOptions): MigrationResult {
  const { file, migrations = MIGRATIONS, target = CURRENT_SCHEMA_VERSION } = options;
  const fromVersion = readVersion(raw, file);
  if (fromVersion > target) {
    throw new SwitchboardError(
      ErrorCode.STORE_FAILED,
      `${file} has schema version ${fromVersion}, but this Switchboard only understands up to version ${target}; refusing to start rather than downgrade it.`,
      {
        hint: `It was written by a newer Switchboard. Upgrade Switchboard, or point SWITCHBOARD_HOME elsewhere; do not delete ${file} unless you mean to lose its connections.`,
        file,
        schemaVersion: fromVersion,
        supportedVersion: target,
      },
    );
  }
  let db = raw;
  const applied: string[] = [];
  for (let version = fromVersion; version < target; version++) {
    const step = migrations.find((m) => m.from === version);
    if (!step) {
      // A gap in the list is a bug in the daemon, not in the user's file: say so plainly.
      throw new SwitchboardError(
        ErrorCode.STORE_FAILED,
        `No migration from schema version ${version} to ${version + 1} for ${file}.`,
        {
          hint: 'This is a Switchboard bug; please report it. The file was not changed.',
          file,
        },
      );
    }
    db = { ...step.up(db), schemaVersion: version + 1 };
    applied.push(`v${version} → v${version + 1}: ${step.description}`);
  }
  return { data: db as unknown as DbData, fromVersion, applied };
}

function readVersion(raw: RawDb, file: string): number {
  const version = raw.schemaVersion;
  if (version === undefined) return 0;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new SwitchboardError(
      ErrorCode.STORE_FAILED,
      `${file} has an invalid schemaVersion (${JSON.stringify(version)}).`,
      {
        hint: `Fix or remove the "schemaVersion" field of ${file} (it should be a whole number), then restart the daemon.`,
        file,
      },
    );
  }
  return version;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
