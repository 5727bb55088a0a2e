import { useState, type FormEvent } from 'react';
import { uploadArchive } from '../api/archives';
import { call } from '../api/client';
import { Loaded, Message, useLoad } from '../components';
import { useConsole } from '../context';
import { failureMessage } from '../logic/errors';
import { formatBytes } from '../logic/format';
import { canWrite } from '../logic/permissions';
import { initialStates, MAX_FILES, selectionProblem, sentPercent, type FileState } from '../logic/upload';
import { repositoryNameProblem } from '../logic/validation';

/** Upload through the console: image archives streamed, one after another, into a repository. */
export function Upload() {
  const { client, session } = useConsole();
  const organizations = useLoad(async () => (await call(client.GET('/v2/manage/namespaces', {}))).namespaces.filter((n) => canWrite(n.auth)), session.token);
  return (
    <section>
      <h2>Upload Image</h2>
      <Loaded state={organizations}>
        {(writable) =>
          writable.length === 0 ? (
            <p className="muted">You have no organization you may push to. Create one, or ask an administrator for the write permission.</p>
          ) : (
            <UploadForm organizations={writable.map((n) => n.name)} />
          )
        }
      </Loaded>
    </section>
  );
}

function UploadForm({ organizations }: { organizations: string[] }) {
  const { session, onRefused } = useConsole();
  const [namespace, setNamespace] = useState(organizations[0]);
  const [repository, setRepository] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [states, setStates] = useState<FileState[]>([]);
  const [busy, setBusy] = useState(false);
  const repositoryProblem = repositoryNameProblem(repository);
  const selected = selectionProblem(files);
  const waiting = states.some((s) => s.state === 'waiting');

  const choose = (chosen: File[]) => {
    setFiles(chosen);
    setStates(selectionProblem(chosen) ? [] : initialStates(chosen));
  };
  const setState = (index: number, state: FileState) => setStates((all) => all.map((s, i) => (i === index ? state : s)));

  const start = async (event: FormEvent) => {
    event.preventDefault();
    if (repositoryProblem || selected) return;
    setBusy(true);
    // One file at a time: each is a long stream, and the quota is checked as each lands.
    for (const [index, file] of files.entries()) {
      if (states[index]?.state !== 'waiting') continue;
      setState(index, { state: 'sending', sent: 0, total: file.size });
      try {
        const images = await uploadArchive(session, onRefused, {
          namespace,
          repository,
          file,
          onProgress: (sent, total) => setState(index, { state: 'sending', sent, total }),
          onSent: () => setState(index, { state: 'unpacking' }),
        });
        setState(index, { state: 'done', tags: images.map((i) => i.tag) });
      } catch (failure) {
        setState(index, { state: 'failed', message: failureMessage(failure) });
      }
    }
    setBusy(false);
  };

  return (
    <form className="panel" onSubmit={start} aria-label="Upload Image">
      <p className="muted">
        Up to {MAX_FILES} image archives at a time, each up to 2 GB: <code>docker save</code> output (.tar or .tar.gz) or an OCI image layout archive. Every image in an archive is pushed with its tag.
      </p>
      <label>
        Organization
        <select name="namespace" value={namespace} disabled={busy} onChange={(e) => setNamespace(e.target.value)}>
          {organizations.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Image name
        <input name="repository" value={repository} disabled={busy} onChange={(e) => setRepository(e.target.value)} aria-invalid={repository !== '' && repositoryProblem !== undefined} />
      </label>
      {repository !== '' && repositoryProblem && <p className="hint error">{repositoryProblem}</p>}
      <label>
        Image archives
        <input name="archives" type="file" multiple accept=".tar,.tar.gz,.tgz" disabled={busy} onChange={(e) => choose(Array.from(e.target.files ?? []))} />
      </label>
      {files.length > 0 && selected && <Message kind="error" text={selected} />}
      {states.length > 0 && <FileTable files={files} states={states} />}
      <button type="submit" className="primary" disabled={busy || !waiting || repositoryProblem !== undefined}>
        {busy ? 'Uploading…' : 'Upload'}
      </button>
    </form>
  );
}

function FileTable({ files, states }: { files: File[]; states: FileState[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>File</th>
          <th>Size</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {files.map((file, index) => (
          <tr key={`${index}-${file.name}`} data-testid={`upload-${file.name}`}>
            <td>{file.name}</td>
            <td>{formatBytes(file.size)}</td>
            <td>
              <FileStatus state={states[index]} name={file.name} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FileStatus({ state, name }: { state: FileState; name: string }) {
  switch (state.state) {
    case 'waiting':
      return <span className="muted">Waiting</span>;
    case 'sending':
      return (
        <span className="progress">
          <progress max={100} value={sentPercent(state.sent, state.total)} aria-label={`Upload progress of ${name}`} /> {sentPercent(state.sent, state.total)}%
        </span>
      );
    case 'unpacking':
      return (
        <span className="progress">
          <progress max={100} value={100} aria-label={`Upload progress of ${name}`} /> Pushing the images…
        </span>
      );
    case 'done':
      return <span className="message info">Uploaded: {state.tags.length === 0 ? 'no tagged image' : state.tags.join(', ')}</span>;
    case 'refused':
    case 'failed':
      return <Message kind="error" text={state.message} />;
  }
}
