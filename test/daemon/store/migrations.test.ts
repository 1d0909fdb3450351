import { describe, expect, it } from 'vitest';
import { ErrorCode, SwitchboardError } from '../../../shared/errors';
import { migrate, MIGRATIONS, type Migration } from '../../../daemon/store/migrations';
import { CURRENT_SCHEMA_VERSION, emptyDb } from '../../../daemon/store/schema';

const file = '/home/u/.config/switchboard/db.json';

describe('migrate', () => {
  it('leaves a current file as it is', () => {
    const db = { ...emptyDb(), connections: [] };
    const result = migrate(db as unknown as Record<string, unknown>, { file });
    expect(result.applied).toEqual([]);
    expect(result.fromVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(result.data).toEqual(db);
  });

  it('brings a v0 file (no schemaVersion, no settings/usage/modelCache) to the current version with defaults', () => {
    const v0 = { connections: [{ id: 'c1', name: 'Work' }], settings: { testIntervalHours: 6 } };
    const result = migrate(v0, { file });
    expect(result.fromVersion).toBe(0);
    expect(result.applied).toHaveLength(2);
    expect(result.data).toEqual({
      schemaVersion: 2,
      connections: [{ id: 'c1', name: 'Work' }],
      providers: [],
      settings: { testIntervalHours: 6, modelsCacheMinutes: 60 },
      usage: [],
      modelCache: {},
      prices: [],
      limits: {},
      budgetWarnings: {},
    });
  });

  it('marks v1 usage rows as unpriced (cost unknown, not zero) on the way to v2', () => {
    const v1 = {
      schemaVersion: 1,
      connections: [],
      providers: [],
      settings: {},
      modelCache: {},
      usage: [
        {
          connectionId: 'c',
          day: '2026-01-01',
          model: 'm',
          requests: 3,
          errors: 0,
          inputTokens: 9,
          outputTokens: 9,
          latencyMsTotal: 30,
        },
      ],
    };
    const result = migrate(v1, { file });
    expect(result.applied).toEqual([
      'v1 → v2: add prices, limits and budgetWarnings; give usage rows costUsd and unpricedRequests',
    ]);
    expect(result.data.usage[0]).toMatchObject({ requests: 3, costUsd: 0, unpricedRequests: 3 });
    expect(result.data.prices).toEqual([]);
  });

  it('applies synthetic steps in order, one version at a time', () => {
    const seen: number[] = [];
    const steps: Migration[] = [
      {
        from: 1,
        description: 'rename label to name',
        up: (db) => (seen.push(Number(db.schemaVersion)), { ...db, name: db.label, label: undefined }),
      },
      {
        from: 0,
        description: 'add label',
        up: (db) => (seen.push(Number(db.schemaVersion ?? 0)), { ...db, label: 'x' }),
      },
    ];
    const result = migrate({}, { file, migrations: steps, target: 2 });
    expect(seen).toEqual([0, 1]);
    expect(result.data).toMatchObject({ schemaVersion: 2, name: 'x' });
    expect(result.applied).toEqual(['v0 → v1: add label', 'v1 → v2: rename label to name']);
  });

  it('refuses a file from a newer Switchboard instead of downgrading it', () => {
    const error = (() => {
      try {
        migrate({ schemaVersion: CURRENT_SCHEMA_VERSION + 1 }, { file });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).code).toBe(ErrorCode.STORE_FAILED);
    expect((error as SwitchboardError).message).toContain(`schema version ${CURRENT_SCHEMA_VERSION + 1}`);
    expect((error as SwitchboardError).message).toContain(file);
    expect((error as SwitchboardError).data.hint).toMatch(/Upgrade Switchboard/);
  });

  it('fails clearly when a step is missing', () => {
    expect(() => migrate({ schemaVersion: 0 }, { file, migrations: [], target: 1 })).toThrow(
      /No migration from schema version 0 to 1/,
    );
  });

  it('rejects a schemaVersion that is not a whole number', () => {
    expect(() => migrate({ schemaVersion: '1' }, { file })).toThrow(/invalid schemaVersion/);
  });

  it('has one step for every version below the current one', () => {
    for (let v = 0; v < CURRENT_SCHEMA_VERSION; v++) expect(MIGRATIONS.filter((m) => m.from === v)).toHaveLength(1);
  });
});
