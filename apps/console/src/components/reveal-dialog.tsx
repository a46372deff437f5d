import { useId, useState } from 'react';
import { Dialog } from './dialog';

/**
 * The one-time reveal: the value lives in this component's props only; closing unmounts it, and the
 * caller drops its only reference, so nothing keeps it (no storage, no URL, no log).
 */
export function RevealDialog({ name, value, onClose, title }: { name: string; value: string; onClose: () => void; title?: string }) {
  const id = useId();
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <Dialog title={title ?? `API key “${name}” created`} onClose={onClose} wide>
      <p className="alert alert-warn" role="alert">
        Copy this value now and keep it somewhere safe, such as a password manager. It will not be shown again: if it is lost, create a new key.
      </p>
      <label htmlFor={`${id}-value`}>API key value</label>
      <div className="reveal">
        <input id={`${id}-value`} readOnly value={value} onFocus={(e) => e.target.select()} spellCheck={false} autoComplete="off" className="mono" />
        <button type="button" onClick={copy}>
          Copy
        </button>
      </div>
      <p className="hint" aria-live="polite">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'The browser refused the clipboard: select the value and copy it.' : ''}
      </p>
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={onClose}>
          I have copied it, close
        </button>
      </div>
    </Dialog>
  );
}
