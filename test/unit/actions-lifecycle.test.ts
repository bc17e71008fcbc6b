import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EXCEPTION_STATUSES, type ExceptionStatus } from '../../server/contracts/exception.ts';
import { IllegalTransitionError, TRANSITIONS, transition } from '../../server/actions/lifecycle.ts';
import { makeException } from '../fixtures/exceptions.ts';

const at = '2025-03-03T10:00:00.000Z';

describe('exception lifecycle', () => {
  it('follows open → acknowledged → in_progress → pending_approval → resolved, one version each', () => {
    let x = makeException();
    for (const to of ['acknowledged', 'in_progress', 'pending_approval', 'resolved'] as ExceptionStatus[]) x = transition(x, { to, actor: 'usr_a', at, change: to });
    expect(x).toMatchObject({ status: 'resolved', version: 5, resolvedAt: at, acknowledgedAt: at, resolutionReason: 'manual' });
  });

  it('refuses every move the table does not list, naming the allowed ones', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EXCEPTION_STATUSES), fc.constantFrom(...EXCEPTION_STATUSES), (from, to) => {
        const x = makeException({ status: from });
        const legal = from === to || TRANSITIONS[from].includes(to);
        const move = () => transition(x, { to, actor: 'usr_a', at, change: 'x', reason: 'false_positive' });
        if (legal) expect(move().status).toBe(to);
        else {
          expect(move).toThrow(IllegalTransitionError);
          try {
            move();
          } catch (e) {
            expect((e as IllegalTransitionError).status).toBe(409);
            expect((e as IllegalTransitionError).details).toMatchObject({ allowed: TRANSITIONS[from] });
          }
        }
      }),
    );
  });

  it('a final state only reopens, and reopening clears the resolution', () => {
    expect(TRANSITIONS.resolved).toEqual(['open']);
    expect(TRANSITIONS.dismissed).toEqual(['open']);
    const closed = transition(makeException(), { to: 'dismissed', actor: 'usr_a', at, change: 'dismissed', reason: 'false_positive' });
    expect(closed.resolutionReason).toBe('false_positive');
    const reopened = transition(closed, { to: 'open', actor: 'detector', at, change: 'reopened' });
    expect(reopened.resolvedAt).toBeUndefined();
    expect(reopened.resolutionReason).toBeUndefined();
  });

  it('a dismissal needs one of the known reasons', () => {
    expect(() => transition(makeException(), { to: 'dismissed', actor: 'usr_a', at, change: 'dismissed' })).toThrow(/false_positive/);
  });
});
