import { useState } from 'preact/hooks';
import type { ExceptionState } from '@sekisho/model';
import { Api, ApiFailure } from '../api.js';
import type { Principal } from '../api.js';
import { Status, useLoad } from '../components.js';

const CAN_APPROVE = new Set(['approver', 'admin']);

export function ExceptionsView({ me }: { me: Principal }) {
  const [state, setState] = useState<ExceptionState | ''>('');
  const list = useLoad(() => Api.exceptions({ state, limit: 100 }), [state]);
  const [message, setMessage] = useState<string | null>(null);
  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      setMessage(done);
      list.reload();
    } catch (e) {
      setMessage(e instanceof ApiFailure ? `refused (${e.status}): ${e.message}` : String(e));
    }
  };
  const propose = (form: HTMLFormElement) => {
    const data = new FormData(form);
    const text = (k: string): string => {
      const value = data.get(k);
      return typeof value === 'string' ? value.trim() : '';
    };
    const match = Object.fromEntries(['id', 'rule', 'purl'].filter((k) => text(k) !== '').map((k) => [k, text(k)]));
    void act(() => Api.propose({ match, owner: text('owner'), reason: text('reason'), expires: text('expires') }), 'Exception proposed.');
  };
  return (
    <section aria-labelledby="exceptions-title">
      <h1 id="exceptions-title">Exceptions</h1>
      <p class="muted">
        Accepted risks with an owner, a reason and an end date. Proposing needs the scanner role; approving needs the approver role (you are <strong>{me.role}</strong>).
      </p>
      {message !== null ? (
        <p role="status" class="notice" data-testid="exception-message">
          {message}
        </p>
      ) : null}
      <label>
        State{' '}
        <select value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value as ExceptionState | '')} data-testid="exception-state">
          <option value="">all</option>
          <option value="proposed">proposed</option>
          <option value="approved">approved</option>
          <option value="expired">expired</option>
        </select>
      </label>
      <Status error={list.error} loading={list.loading && list.data === null} />
      <table class="table" data-testid="exceptions">
        <thead>
          <tr>
            <th scope="col">excuses</th>
            <th scope="col">owner and reason</th>
            <th scope="col">until</th>
            <th scope="col">state</th>
            <th scope="col">who, when</th>
            <th scope="col">
              <span class="visually-hidden">actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((x) => (
            <tr key={x.id}>
              <td class="mono small">{[x.match.id, x.match.rule && `rule ${x.match.rule}`, x.match.purl].filter(Boolean).join(' · ')}</td>
              <td>
                {x.owner}
                <div class="small muted">{x.reason}</div>
              </td>
              <td>{x.expires}</td>
              <td>{x.state}</td>
              <td class="small">
                proposed by {x.proposedBy} {x.proposedAt.slice(0, 10)}
                {x.approvedBy ? (
                  <div>
                    approved by {x.approvedBy} {x.approvedAt?.slice(0, 10)}
                  </div>
                ) : null}
                {x.expiredBy ? (
                  <div>
                    expired by {x.expiredBy} {x.expiredAt?.slice(0, 10)}
                  </div>
                ) : null}
              </td>
              <td>
                {x.state === 'proposed' && CAN_APPROVE.has(me.role) ? (
                  <button type="button" data-testid={`approve-${x.id}`} onClick={() => void act(() => Api.approve(x.id), 'Exception approved.')}>
                    Approve
                  </button>
                ) : null}
                {x.state !== 'expired' && me.role !== 'viewer' ? (
                  <button type="button" onClick={() => void act(() => Api.expire(x.id), 'Exception expired.')}>
                    Expire
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {me.role !== 'viewer' ? (
        <form
          class="propose"
          data-testid="propose-form"
          onSubmit={(e) => {
            e.preventDefault();
            propose(e.currentTarget);
          }}
        >
          <h2>Propose an exception</h2>
          <label>
            Vulnerability or rule id <input name="id" placeholder="CVE-2024-1234" />
          </label>
          <label>
            Policy rule <input name="rule" placeholder="no-critical" />
          </label>
          <label>
            Package (purl) <input name="purl" placeholder="pkg:deb/debian/openssl" />
          </label>
          <label>
            Owner <input name="owner" required placeholder="team@example.com" />
          </label>
          <label>
            Reason <input name="reason" required />
          </label>
          <label>
            Until <input name="expires" type="date" required />
          </label>
          <button type="submit">Propose</button>
        </form>
      ) : null}
    </section>
  );
}
