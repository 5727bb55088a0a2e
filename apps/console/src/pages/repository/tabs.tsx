export const REPOSITORY_TABS = [
  ['tags', 'Image Tags'],
  ['permissions', 'Permissions'],
  ['sharing', 'Sharing'],
  ['triggers', 'Triggers'],
  ['retention', 'Retention'],
  ['sync', 'Image Sync'],
] as const;

export type RepositoryTab = (typeof REPOSITORY_TABS)[number][0];

export function Tabs({ current, choose }: { current: RepositoryTab; choose: (tab: RepositoryTab) => void }) {
  return (
    <div className="tabs" role="tablist" aria-label="Repository">
      {REPOSITORY_TABS.map(([tab, label]) => (
        <button key={tab} type="button" role="tab" aria-selected={tab === current} onClick={() => choose(tab)}>
          {label}
        </button>
      ))}
    </div>
  );
}
