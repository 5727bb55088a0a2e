import { archiveContentType, archiveProblem, initialStates, MAX_ARCHIVE_BYTES, selectionProblem, sentPercent } from './upload';

describe('archives chosen for upload', () => {
  it.each(['app.tar', 'APP.TAR', 'app.tar.gz', 'app.tgz', 'oci-layout.tar'])('takes %s', (name) => {
    expect(archiveProblem({ name, size: 1024 })).toBeUndefined();
  });

  it.each(['app.zip', 'app.gz', 'notes.txt', 'tar', 'app.tar.bz2'])('refuses %s as not an image archive', (name) => {
    expect(archiveProblem({ name, size: 1024 })).toContain('Not an image archive');
  });

  it('refuses an empty file and one over 2 GiB, before sending it', () => {
    expect(archiveProblem({ name: 'a.tar', size: 0 })).toBe('The file is empty.');
    expect(archiveProblem({ name: 'a.tar', size: MAX_ARCHIVE_BYTES })).toBeUndefined();
    expect(archiveProblem({ name: 'a.tar', size: MAX_ARCHIVE_BYTES + 1 })).toBe('The file is larger than 2 GB.');
  });

  it('takes 1 to 10 files at a time', () => {
    const files = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `${i}.tar`, size: 1 }));
    expect(selectionProblem(files(0))).toBe('Choose at least one image archive.');
    expect(selectionProblem(files(1))).toBeUndefined();
    expect(selectionProblem(files(10))).toBeUndefined();
    expect(selectionProblem(files(11))).toBe('Upload at most 10 files at a time (11 chosen).');
  });

  it('lets the good files of a selection wait and refuses the others at once', () => {
    const states = initialStates([
      { name: 'a.tar', size: 10 },
      { name: 'b.txt', size: 10 },
      { name: 'c.tar.gz', size: MAX_ARCHIVE_BYTES + 1 },
    ]);
    expect(states.map((s) => s.state)).toEqual(['waiting', 'refused', 'refused']);
  });

  it('sends gzipped archives as gzip, the rest as tar', () => {
    expect(archiveContentType('a.tar.gz')).toBe('application/gzip');
    expect(archiveContentType('a.TGZ')).toBe('application/gzip');
    expect(archiveContentType('a.tar')).toBe('application/x-tar');
  });

  it('shows progress in whole percent, never past 100', () => {
    expect(sentPercent(0, 100)).toBe(0);
    expect(sentPercent(999, 1000)).toBe(99);
    expect(sentPercent(1000, 1000)).toBe(100);
    expect(sentPercent(5, 0)).toBe(0);
  });
});
