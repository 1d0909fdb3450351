import { describe, expect, it } from 'vitest';
import { Requests } from '../../../../extension/manager/page/requests';

describe('Requests', () => {
  it('hands back the pending request an answer belongs to, once', () => {
    const r = new Requests();
    const id = r.start('save');
    expect(r.settle(id)).toMatchObject({ kind: 'save' });
    expect(r.settle(id)).toBeUndefined();
  });

  it('drops an answer to a request made before the form switched', () => {
    const r = new Requests();
    const id = r.start('test');
    r.newForm();
    expect(r.settle(id)).toBeUndefined();
  });

  it('keeps a button busy until the last request of its kind is answered', () => {
    const busy: string[] = [];
    const r = new Requests((kind, on) => busy.push(`${kind}:${on}`));
    const a = r.start('test');
    const b = r.start('test');
    r.settle(a);
    r.settle(b);
    expect(busy).toEqual(['test:true', 'test:true', 'test:false']);
  });

  it('knows which connection is being deleted', () => {
    const r = new Requests();
    const id = r.start('delete', { id: 'c1', name: 'Work' });
    expect(r.deleting('c1')).toBe(true);
    expect(r.deleting('c2')).toBe(false);
    r.settle(id);
    expect(r.deleting('c1')).toBe(false);
  });
});
