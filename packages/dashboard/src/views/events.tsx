import { useState } from 'preact/hooks';
import { Api } from '../api.js';
import { Status, useLoad } from '../components.js';

/** The server's audit log: every API request and decision, newest first (admin). */
export function EventsView() {
  const [action, setAction] = useState('');
  const [principal, setPrincipal] = useState('');
  const log = useLoad(() => Api.audit({ action, principal, limit: 100 }), [action, principal]);
  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Audit and events</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Action (exact) <input type="search" value={action} placeholder="exceptions.approve" onInput={(e) => setAction((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Who <input type="search" value={principal} placeholder="token name" onInput={(e) => setPrincipal((e.target as HTMLInputElement).value)} />
        </label>
      </form>
      <Status error={log.error} loading={log.loading && log.data === null} />
      <ol class="timeline" data-testid="timeline">
        {(log.data?.items ?? []).map((e) => (
          <li key={e.id} class={e.result === 'success' ? '' : 'bad'}>
            <time dateTime={e.at}>{e.at.replace('T', ' ').slice(0, 19)}</time> <strong>{e.action}</strong> {e.result} · {e.principal} {e.sourceIp ? `from ${e.sourceIp}` : ''}
            {e.target ? <span class="mono small muted"> {e.target}</span> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
