import { useCallback, useMemo, useState } from 'react';
import { manageClient } from './api/client';
import { iamClient } from './api/iam';
import { loadSession, saveSession, type Session } from './api/session';
import { Console } from './context';
import { routeOf, type Route } from './logic/routes';
import { AuditTrail } from './pages/audit';
import { LoginCommand } from './pages/login-command';
import { Organizations } from './pages/organizations';
import { Overview } from './pages/overview';
import { Repositories } from './pages/repositories';
import { Repository } from './pages/repository';
import { SignIn } from './pages/sign-in';
import { Upload } from './pages/upload';
import { Users } from './pages/users';
import { navigate, usePage } from './router';

/** The menu: path, label, page, and whether only account admins see it. */
const MENU: ReadonlyArray<readonly [string, string, Route['page'], boolean?]> = [
  ['/overview', 'Overview', 'overview'],
  ['/organizations', 'Organization Management', 'organizations'],
  ['/repositories', 'My Images', 'repositories'],
  ['/upload', 'Upload Image', 'upload'],
  ['/login-command', 'Login Command', 'login-command'],
  ['/users', 'Users', 'users', true],
  ['/audit', 'Audit Trail', 'audit', true],
];

export function App() {
  const [session, setSession] = useState<Session | undefined>(() => loadSession());
  const [notice, setNotice] = useState<string>();
  const page = usePage();
  const route = routeOf(page);

  const end = useCallback((why?: string) => {
    saveSession(undefined);
    setSession(undefined);
    setNotice(why);
  }, []);
  const context = useMemo(() => {
    if (!session) return undefined;
    const onRefused = () => end('Your session has ended. Sign in again.');
    const client = manageClient(session, onRefused);
    return { session, client, iam: iamClient(client), onRefused };
  }, [session, end]);

  if (!session || !context) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(signedIn) => {
          saveSession(signedIn);
          setNotice(undefined);
          setSession(signedIn);
        }}
      />
    );
  }
  const current = route.page === 'repository' ? 'repositories' : route.page;
  return (
    <Console.Provider value={context}>
      <header className="top">
        <span className="brand">SWR</span>
        <span className="who" data-testid="who">
          {session.account}/{session.user}
        </span>
        <button type="button" onClick={() => end('You have signed out.')}>
          Sign Out
        </button>
      </header>
      <div className="layout">
        <nav aria-label="Console">
          {MENU.filter(([, , , adminOnly]) => !adminOnly || session.admin).map(([path, label, name]) => (
            <a
              key={path}
              href={`/console${path}`}
              aria-current={current === name ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                navigate(path);
              }}
            >
              {label}
            </a>
          ))}
        </nav>
        <main>
          <Page route={route} />
        </main>
      </div>
    </Console.Provider>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'overview':
      return <Overview />;
    case 'organizations':
      return <Organizations />;
    case 'repositories':
      return <Repositories key={route.namespace ?? ''} namespace={route.namespace} />;
    case 'repository':
      return <Repository key={`${route.namespace}/${route.repository}`} namespace={route.namespace} repository={route.repository} />;
    case 'upload':
      return <Upload />;
    case 'login-command':
      return <LoginCommand />;
    case 'users':
      return <Users />;
    case 'audit':
      return <AuditTrail />;
    case 'not-found':
      return (
        <section className="panel">
          <h2>Page not found</h2>
        </section>
      );
  }
}
