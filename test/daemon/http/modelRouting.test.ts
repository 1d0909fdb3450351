import { describe, expect, it } from 'vitest';
import { routeModel } from '../../../daemon/http/modelRouting';
import { SwitchboardError } from '../../../shared/errors';

const work = { id: 'conn_b1de55093fcc', name: 'work' };
const team = { id: 'conn_0123456789ab', name: 'Team' };
const teamGpt = { id: 'conn_cccccccccccc', name: 'team/gpt' };
const legacy = { id: 'conn_aaaaaaaaaaaa', name: 'conn_b1de55093fcc' };

describe('routeModel', () => {
  it('routes <name>/<model> and a bare <name>, without regard to case', () => {
    expect(routeModel('WORK/gpt-4o', [work, team])).toEqual({ connectionId: work.id, model: 'gpt-4o' });
    expect(routeModel('work', [work, team])).toEqual({ connectionId: work.id });
  });

  it('routes <id>/<model> and a bare <id>', () => {
    expect(routeModel('conn_0123456789ab/gpt-4o', [work, team])).toEqual({ connectionId: team.id, model: 'gpt-4o' });
    expect(routeModel('conn_0123456789ab', [work, team])).toEqual({ connectionId: team.id });
  });

  it('prefers the longest connection name, and keeps slashes in the model', () => {
    expect(routeModel('team/gpt/x', [team, teamGpt])).toEqual({ connectionId: teamGpt.id, model: 'x' });
    expect(routeModel('team/openai/gpt-4o', [team])).toEqual({ connectionId: team.id, model: 'openai/gpt-4o' });
  });

  it('leaves anything else to the default connection', () => {
    expect(routeModel('openai/gpt-4o', [work, team])).toEqual({ model: 'openai/gpt-4o' });
    expect(routeModel('work/', [work])).toEqual({ model: 'work/' });
  });

  it("refuses a connection part that is one connection's id and another's name", () => {
    let error: unknown;
    try {
      routeModel('conn_b1de55093fcc/gpt-4o', [work, legacy]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({ code: 'VALIDATION', data: { field: 'model' } });
    expect((error as Error).message).toContain('"work"');
    expect((error as SwitchboardError).data.hint).toContain(legacy.id);
  });
});
