import { useState, type FormEvent } from 'react';
import { EMPTY_TRIGGER_FORM, triggerBody, triggerProblem, type TriggerBody, type TriggerForm } from '../../logic/trigger';

/** Adding a trigger: a webhook to call (or SWR's workload update) when a matching tag is pushed. */
export function AddTrigger({ add }: { add: (body: TriggerBody) => Promise<boolean> }) {
  const [form, setForm] = useState<TriggerForm>(EMPTY_TRIGGER_FORM);
  const [touched, setTouched] = useState(false);
  const set = (changes: Partial<TriggerForm>) => {
    setTouched(true);
    setForm({ ...form, ...changes });
  };
  const problem = triggerProblem(form);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (problem) return;
    void add(triggerBody(form)).then((done) => {
      if (!done) return;
      setForm(EMPTY_TRIGGER_FORM);
      setTouched(false);
    });
  };
  return (
    <form className="panel inline" onSubmit={submit} aria-label="Add trigger">
      <label>
        Trigger name
        <input name="trigger-name" value={form.name} onChange={(e) => set({ name: e.target.value })} />
      </label>
      <label>
        Action
        <select name="action" value={form.action} onChange={(e) => set({ action: e.target.value as TriggerForm['action'] })}>
          <option value="webhook">Call a webhook</option>
          <option value="update">Update a workload</option>
        </select>
      </label>
      <label>
        Trigger condition
        <select name="trigger-type" value={form.triggerType} onChange={(e) => set({ triggerType: e.target.value as TriggerForm['triggerType'] })}>
          <option value="all">All tags</option>
          <option value="tag">Specific tags</option>
          <option value="regular">Regular expression</option>
        </select>
      </label>
      {form.triggerType !== 'all' && (
        <label>
          {form.triggerType === 'tag' ? 'Tags (separated by ;)' : 'Regular expression'}
          <input name="condition" value={form.condition} onChange={(e) => set({ condition: e.target.value })} />
        </label>
      )}
      {form.action === 'webhook' ? (
        <label>
          Webhook URL
          <input name="webhook-url" type="url" value={form.url} onChange={(e) => set({ url: e.target.value })} placeholder="https://ci.example.com/hooks/swr" />
        </label>
      ) : (
        <>
          <label>
            Workload type
            <select name="app-type" value={form.appType} onChange={(e) => set({ appType: e.target.value as TriggerForm['appType'] })}>
              <option value="deployments">Deployment</option>
              <option value="statefulsets">StatefulSet</option>
            </select>
          </label>
          <label>
            Workload
            <input name="application" value={form.application} onChange={(e) => set({ application: e.target.value })} />
          </label>
          <label>
            Namespace
            <input name="cluster-ns" value={form.clusterNs} onChange={(e) => set({ clusterNs: e.target.value })} />
          </label>
          <label>
            Container
            <input name="container" value={form.container} placeholder="all containers" onChange={(e) => set({ container: e.target.value })} />
          </label>
        </>
      )}
      <label className="choice">
        <input type="checkbox" name="enable" checked={form.enable} onChange={(e) => set({ enable: e.target.checked })} />
        Enable
      </label>
      <button type="submit" className="primary" disabled={touched && problem !== undefined}>
        Add Trigger
      </button>
      {touched && problem && <p className="hint error">{problem}</p>}
    </form>
  );
}
