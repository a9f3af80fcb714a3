import { useState } from 'preact/hooks';
import type { IncidentState } from '@sekisho/model';
import { Api, ApiFailure } from '../api.js';
import type { Principal } from '../api.js';
import { SeverityBadge, Status, useLoad } from '../components.js';
import { ago } from '../format.js';

const CAN_CHANGE = new Set(['approver', 'admin']);

/** Incidents (runtime alerts, admission denials, in-app attacks, new KEV findings) and one incident's timeline. */
export function IncidentsView({ me }: { me: Principal }) {
  const [state, setState] = useState<IncidentState | ''>('open');
  const [selected, setSelected] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const list = useLoad(() => Api.incidents({ state, limit: 100 }), [state]);
  const detail = useLoad(() => (selected === null ? Promise.resolve(null) : Api.incident(selected)), [selected]);
  const act = async (what: () => Promise<unknown>, done: string) => {
    try {
      await what();
      setMessage(done);
      list.reload();
      detail.reload();
    } catch (e) {
      setMessage(e instanceof ApiFailure ? `refused (${e.status}): ${e.message}` : String(e));
    }
  };
  const d = detail.data;
  return (
    <section aria-labelledby="incidents-title">
      <h1 id="incidents-title">Incidents</h1>
      {message !== null ? (
        <p role="status" class="notice" data-testid="incident-message">
          {message}
        </p>
      ) : null}
      <label>
        State{' '}
        <select value={state} onChange={(e) => setState((e.target as HTMLSelectElement).value as IncidentState | '')} data-testid="incident-state">
          <option value="">all</option>
          <option value="open">open</option>
          <option value="acknowledged">acknowledged</option>
          <option value="resolved">resolved</option>
        </select>
      </label>
      <Status error={list.error} loading={list.loading && list.data === null} />
      <table class="table" data-testid="incidents">
        <thead>
          <tr>
            <th scope="col">severity</th>
            <th scope="col">incident</th>
            <th scope="col">events</th>
            <th scope="col">state</th>
            <th scope="col">owner</th>
            <th scope="col">last event</th>
          </tr>
        </thead>
        <tbody>
          {(list.data?.items ?? []).map((i) => (
            <tr key={i.id} class={selected === i.id ? 'row-warn' : ''}>
              <td>
                <SeverityBadge severity={i.severity} />
              </td>
              <td>
                <button type="button" class="link" onClick={() => setSelected(i.id)} data-testid={`incident-${i.id}`}>
                  {i.title}
                </button>
                <div class="small muted">
                  {i.kind} · {i.subject.id}
                </div>
              </td>
              <td>{i.eventCount}</td>
              <td>{i.state}</td>
              <td>{i.owner ?? '—'}</td>
              <td>{ago(i.lastEventAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {d !== null ? (
        <div data-testid="incident-detail">
          <h2>{d.incident.title}</h2>
          {CAN_CHANGE.has(me.role) && d.incident.state !== 'resolved' ? (
            <p>
              {d.incident.state === 'open' ? (
                <button type="button" onClick={() => void act(() => Api.acknowledge(d.incident.id), 'Incident acknowledged.')} data-testid="incident-acknowledge">
                  Acknowledge
                </button>
              ) : null}{' '}
              <button type="button" onClick={() => void act(() => Api.resolve(d.incident.id), 'Incident resolved.')} data-testid="incident-resolve">
                Resolve
              </button>{' '}
              <button type="button" onClick={() => void act(() => Api.assign(d.incident.id, me.name), 'Incident assigned to you.')}>
                Take it
              </button>
            </p>
          ) : null}
          <h3>Timeline</h3>
          <ol class="timeline" data-testid="incident-timeline">
            {d.timeline.items.map((t) => (
              <li key={t.id}>
                <time dateTime={t.at}>{t.at.replace('T', ' ').slice(0, 19)}</time> <strong>{t.type}</strong> {t.from !== null || t.to !== null ? `${t.from ?? '—'} → ${t.to ?? '—'}` : ''}{' '}
                {t.text ?? ''} · {t.principal}
              </li>
            ))}
          </ol>
          <h3>Events</h3>
          <ol class="timeline">
            {d.events.items.map((e) => (
              <li key={e.eventId}>
                <time dateTime={e.at}>{e.at.replace('T', ' ').slice(0, 19)}</time> <SeverityBadge severity={e.severity} /> {typeof e.summary['action'] === 'string' ? e.summary['action'] : e.kind}{' '}
                <span class="muted small">{Array.isArray(e.summary['reasons']) ? (e.summary['reasons'] as unknown[]).filter((r): r is string => typeof r === 'string').join('; ') : ''}</span>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}
