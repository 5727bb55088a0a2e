import { useState, type FormEvent } from 'react';
import { call } from '../api/client';
import { Forbidden, Loaded, Message, useLoad } from '../components';
import { useConsole } from '../context';
import { formatTime } from '../logic/format';
import { currentMarker, FIRST_PAGE, NO_FILTER, nextPage, pageNumber, previousPage, RESOURCE_TYPES, traceQuery, type Pages, type TraceFilter } from '../logic/traces';

const PAGE_SIZE = 20;
const RATINGS = [
  ['', 'All'],
  ['normal', 'Normal'],
  ['warning', 'Warning'],
  ['incident', 'Incident'],
] as const;

/** The account's audit trail (ListTraces): account admins only, as the API allows. */
export function AuditTrail() {
  const { session } = useConsole();
  return session.admin ? <Traces /> : <Forbidden />;
}

function Traces() {
  const { client, session } = useConsole();
  const [draft, setDraft] = useState<TraceFilter>(NO_FILTER);
  const [filter, setFilter] = useState<TraceFilter>(NO_FILTER);
  const [pages, setPages] = useState<Pages>(FIRST_PAGE);
  const [problem, setProblem] = useState<string>();
  const asked = traceQuery(filter, PAGE_SIZE, currentMarker(pages));
  const traces = useLoad(
    async () => {
      if ('problem' in asked) return undefined;
      return call(client.GET('/v3/{project_id}/traces', { params: { path: { project_id: session.projectId }, query: asked.query } }));
    },
    JSON.stringify(asked),
  );

  const search = (event: FormEvent) => {
    event.preventDefault();
    const checked = traceQuery(draft, PAGE_SIZE);
    setProblem('problem' in checked ? checked.problem : undefined);
    if ('problem' in checked) return;
    setFilter(draft);
    setPages(FIRST_PAGE);
  };
  const field = (name: keyof TraceFilter) => ({ name, value: draft[name], onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [name]: e.target.value }) });

  return (
    <section>
      <h2>Audit Trail</h2>
      <form className="panel inline" role="search" aria-label="Trace filters" onSubmit={search}>
        <label>
          Trace name
          <input {...field('traceName')} placeholder="e.g. uploadImageArchive" />
        </label>
        <label>
          Resource type
          <input {...field('resourceType')} list="resource-types" />
          <datalist id="resource-types">
            {RESOURCE_TYPES.map((type) => (
              <option key={type} value={type} />
            ))}
          </datalist>
        </label>
        <label>
          User
          <input {...field('user')} />
        </label>
        <label>
          Trace rating
          <select {...field('rating')}>
            {RATINGS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input type="datetime-local" {...field('from')} />
        </label>
        <label>
          To
          <input type="datetime-local" {...field('to')} />
        </label>
        <button type="submit" className="primary">
          Search
        </button>
        {problem && <p className="hint error">{problem}</p>}
      </form>
      <Loaded state={traces}>
        {(answer) =>
          answer === undefined ? null : (
            <>
              {answer.traces.length === 0 ? <Message kind="info" text="No traces match." /> : <TraceTable traces={answer.traces} />}
              <div className="pager">
                <button type="button" disabled={pageNumber(pages) === 1} onClick={() => setPages(previousPage(pages))}>
                  Previous
                </button>
                <span>Page {pageNumber(pages)}</span>
                <button type="button" disabled={!answer.meta_data.marker} onClick={() => answer.meta_data.marker && setPages(nextPage(pages, answer.meta_data.marker))}>
                  Next
                </button>
              </div>
            </>
          )
        }
      </Loaded>
    </section>
  );
}

interface Trace {
  readonly trace_id: string;
  readonly trace_name: string;
  readonly trace_rating: string;
  readonly resource_type: string;
  readonly resource_name: string;
  readonly source_ip: string;
  readonly code: string;
  readonly user: { readonly name: string };
  readonly time: number;
}

function TraceTable({ traces }: { traces: readonly Trace[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>Trace Name</th>
          <th>Resource Type</th>
          <th>Resource Name</th>
          <th>Trace Rating</th>
          <th>Status Code</th>
          <th>Operator</th>
          <th>Source IP</th>
          <th>Operation Time</th>
        </tr>
      </thead>
      <tbody>
        {traces.map((trace) => (
          <tr key={trace.trace_id} data-testid={`trace-${trace.trace_name}`}>
            <td>{trace.trace_name}</td>
            <td>{trace.resource_type}</td>
            <td>{trace.resource_name}</td>
            <td>
              <span className={`rating ${trace.trace_rating}`}>{trace.trace_rating}</span>
            </td>
            <td>{trace.code}</td>
            <td>{trace.user.name}</td>
            <td>{trace.source_ip}</td>
            <td>{formatTime(new Date(trace.time).toISOString())}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
