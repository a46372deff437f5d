import { useId, useState } from 'react';
import { Dialog } from './dialog';

/** The grace choices offered: how long the current value keeps working beside the new one (the API allows 0 to 7 days). */
export const GRACE_CHOICES = [
  { seconds: 0, label: 'None: the current value stops at once' },
  { seconds: 3_600, label: '1 hour' },
  { seconds: 86_400, label: '1 day' },
  { seconds: 7 * 86_400, label: '7 days' },
] as const;

/** Asks how long the current value may keep working, then rotates; a revoked key is rotated without a grace. */
export function RotateDialog(props: { name: string; revoked: boolean; busy: boolean; onConfirm: (graceSeconds: number) => void; onClose: () => void }) {
  const id = useId();
  const [grace, setGrace] = useState(props.revoked ? 0 : 86_400);
  return (
    <Dialog title="Rotate API key" onClose={props.onClose}>
      <p>
        Rotate “{props.name}”? It gets a new value, shown once. The current value keeps working for the grace period you choose, then is refused; a
        later rotation ends any grace at once.
      </p>
      <label htmlFor={`${id}-grace`}>Grace period for the current value</label>
      <select id={`${id}-grace`} value={grace} disabled={props.revoked} onChange={(e) => setGrace(Number(e.target.value))}>
        {GRACE_CHOICES.map((choice) => (
          <option key={choice.seconds} value={choice.seconds}>
            {choice.label}
          </option>
        ))}
      </select>
      {props.revoked && <p className="hint">This key is revoked: its current value gets no grace.</p>}
      <div className="dialog-actions">
        <button type="button" onClick={props.onClose}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={() => props.onConfirm(grace)} disabled={props.busy}>
          Rotate
        </button>
      </div>
    </Dialog>
  );
}
