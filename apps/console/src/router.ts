import { useEffect, useState } from 'react';

/** The console's own paths live under /console/; the rest of the path is the page. */
export const BASE = '/console';

export function currentPage(pathname: string = window.location.pathname): string {
  const page = pathname.startsWith(`${BASE}/`) ? pathname.slice(BASE.length) : '/';
  return page === '' ? '/' : page;
}

export function navigate(page: string): void {
  window.history.pushState(null, '', `${BASE}${page}`);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

/** The page the address bar shows, following back and forward. */
export function usePage(): string {
  const [page, setPage] = useState(currentPage());
  useEffect(() => {
    const follow = () => setPage(currentPage());
    window.addEventListener('popstate', follow);
    return () => window.removeEventListener('popstate', follow);
  }, []);
  return page;
}
