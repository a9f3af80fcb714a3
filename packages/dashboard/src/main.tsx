import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { Api, ApiFailure, storedToken, storeToken } from './api.js';
import type { Principal } from './api.js';
import './style.css';
import { CompareView } from './views/compare.js';
import { EventsView } from './views/events.js';
import { ExceptionsView } from './views/exceptions.js';
import { ImageView } from './views/image.js';
import { IncidentsView } from './views/incidents.js';
import { OverviewView } from './views/overview.js';
import { RuntimeView } from './views/runtime.js';
import { TrendsView } from './views/trends.js';
import { WorkloadsView } from './views/workloads.js';

type Route =
  | { name: 'overview' }
  | { name: 'image'; digest: string }
  | { name: 'trends' }
  | { name: 'compare' }
  | { name: 'exceptions' }
  | { name: 'incidents' }
  | { name: 'events' }
  | { name: 'workloads' }
  | { name: 'runtime' };

function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const image = /^\/images\/(.+)$/.exec(path);
  if (image?.[1]) return { name: 'image', digest: decodeURIComponent(image[1]) };
  if (path === '/trends') return { name: 'trends' };
  if (path === '/compare') return { name: 'compare' };
  if (path === '/exceptions') return { name: 'exceptions' };
  if (path === '/events') return { name: 'events' };
  if (path === '/incidents') return { name: 'incidents' };
  if (path === '/workloads') return { name: 'workloads' };
  if (path === '/runtime') return { name: 'runtime' };
  return { name: 'overview' };
}

type Theme = 'auto' | 'light' | 'dark';

function useTheme(): [Theme, (t: Theme) => void] {
  const [theme, setTheme] = useState<Theme>(() => (localStorage.getItem('sekisho.theme') as Theme | null) ?? 'auto');
  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
    localStorage.setItem('sekisho.theme', theme);
  }, [theme]);
  return [theme, setTheme];
}

function Login({ onLogin, error }: { onLogin: (token: string) => void; error: string | null }) {
  const [token, setToken] = useState('');
  return (
    <main class="login">
      <h1>Sekisho</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onLogin(token.trim());
        }}
      >
        <label>
          API token
          <input type="password" autoComplete="off" value={token} onInput={(e) => setToken((e.target as HTMLInputElement).value)} data-testid="token" required />
        </label>
        <button type="submit" data-testid="login">
          Sign in
        </button>
        {error !== null ? (
          <p class="error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </main>
  );
}

function App() {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  const [me, setMe] = useState<Principal | null>(null);
  const [authError, setAuthError] = useState<string | null>(null);
  const [theme, setTheme] = useTheme();
  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const signIn = (token: string | null) => {
    if (token !== null) storeToken(token);
    if (storedToken() === null) return;
    Api.whoami()
      .then((p) => {
        setMe(p);
        setAuthError(null);
      })
      .catch((e: unknown) => {
        storeToken(null);
        setMe(null);
        setAuthError(e instanceof ApiFailure && e.status === 401 ? 'That token is not valid.' : String(e));
      });
  };
  useEffect(() => signIn(null), []);
  if (me === null) return <Login onLogin={(t) => signIn(t)} error={authError} />;
  const link = (href: string, label: string, active: boolean) => (
    <a href={href} aria-current={active ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <>
      <header class="top">
        <strong class="brand">関所 Sekisho</strong>
        <nav aria-label="views">
          {link('#/', 'Overview', route.name === 'overview' || route.name === 'image')}
          {link('#/trends', 'Trends', route.name === 'trends')}
          {link('#/compare', 'Compare', route.name === 'compare')}
          {link('#/exceptions', 'Exceptions', route.name === 'exceptions')}
          {link('#/workloads', 'Workloads', route.name === 'workloads')}
          {link('#/runtime', 'Runtime', route.name === 'runtime')}
          {link('#/incidents', 'Incidents', route.name === 'incidents')}
          {me.role === 'admin' ? link('#/events', 'Audit', route.name === 'events') : null}
        </nav>
        <span class="who">
          {me.name} ({me.role})
        </span>
        <label class="theme">
          <span class="visually-hidden">Colour scheme</span>
          <select value={theme} onChange={(e) => setTheme((e.target as HTMLSelectElement).value as Theme)} data-testid="theme">
            <option value="auto">auto</option>
            <option value="light">light</option>
            <option value="dark">dark</option>
          </select>
        </label>
        <button
          type="button"
          onClick={() => {
            storeToken(null);
            setMe(null);
          }}
        >
          Sign out
        </button>
      </header>
      <main>
        {route.name === 'overview' ? (
          <OverviewView />
        ) : route.name === 'image' ? (
          <ImageView digest={route.digest} />
        ) : route.name === 'trends' ? (
          <TrendsView />
        ) : route.name === 'compare' ? (
          <CompareView />
        ) : route.name === 'exceptions' ? (
          <ExceptionsView me={me} />
        ) : route.name === 'incidents' ? (
          <IncidentsView me={me} />
        ) : route.name === 'workloads' ? (
          <WorkloadsView />
        ) : route.name === 'runtime' ? (
          <RuntimeView />
        ) : (
          <EventsView />
        )}
      </main>
    </>
  );
}

const root = document.getElementById('app');
if (root !== null) render(<App />, root);
