import { type FormEvent, useId, useState } from 'react';
import { ApiError, type ApiKeyResource, call, type FieldError } from '../api/client';
import { useSession } from '../auth/session';
import { daysFromNow, formatDate, isoDay } from '../format';
import { Dialog } from './dialog';

const PRESETS = [7, 30, 60, 90] as const;
type Expiration = 'keep' | `${(typeof PRESETS)[number]}` | 'custom';
type Field = 'name' | 'description' | 'expiration' | 'user';

/** Which form field an entry of the API's errors[] is about (its `field` is a body path such as metadata.name). */
const fieldOf = (error: FieldError): Field | 'other' => {
  const path = error.field.toLowerCase();
  if (path.endsWith('name')) return 'name';
  if (path.includes('description')) return 'description';
  if (path.includes('expiry')) return 'expiration';
  if (path.includes('useruid')) return 'user';
  return 'other';
};

export interface KeyFormProps {
  /** The key to edit; absent to create one. */
  existing?: ApiKeyResource;
  /** The furthest expiry allowed, in days (the tenant's policy for admins, else the service default); null: none. */
  maxLifetimeDays: number | null;
  onClose: () => void;
  /** Create: the uid and the value (shown once by the caller); edit: nothing. */
  onDone: (created?: { uid: string; apiKey: string; name: string }) => void;
}

/** Add New API Key / Edit API Key: name, description, expiration (presets or a custom date), and for admins the user. */
export function KeyFormDialog({ existing, maxLifetimeDays, onClose, onDone }: KeyFormProps) {
  const session = useSession();
  const id = useId();
  const [name, setName] = useState(existing?.metadata.name ?? '');
  const [description, setDescription] = useState(existing?.metadata.annotations.description ?? '');
  const presets = PRESETS.filter((days) => maxLifetimeDays === null || days <= maxLifetimeDays);
  const [expiration, setExpiration] = useState<Expiration>(existing ? 'keep' : presets.includes(30) ? '30' : presets.length > 0 ? (String(presets.at(-1)) as Expiration) : 'custom');
  const [customDay, setCustomDay] = useState('');
  const [user, setUser] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field | 'other', string>>>({});
  const [busy, setBusy] = useState(false);
  const minDay = isoDay(daysFromNow(1));
  const maxDay = maxLifetimeDays === null ? undefined : isoDay(daysFromNow(maxLifetimeDays));

  const expiry = (): string | undefined => {
    if (expiration === 'keep') return undefined;
    if (expiration === 'custom') return customDay ? `${customDay}T00:00:00Z` : '';
    return daysFromNow(Number(expiration)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const local: typeof errors = {};
    if (!name.trim()) local.name = 'Enter a name.';
    if (expiration === 'custom' && (!customDay || customDay < minDay || (maxDay !== undefined && customDay > maxDay))) {
      local.expiration = maxDay === undefined ? `Pick a date from ${formatDate(minDay)} on.` : `Pick a date between ${formatDate(minDay)} and ${formatDate(maxDay)}.`;
    }
    setErrors(local);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    try {
      const metadata = { name: name.trim(), annotations: { description: description.trim() } };
      if (existing) {
        const until = expiry();
        await call(session.client.v1.editKeyControllerEdit(existing.metadata.uid, { metadata, ...(until ? { spec: { expiry: until } } : {}) }));
        onDone();
      } else {
        const spec = { expiry: expiry()!, ...(session.admin && user.trim() ? { userUid: user.trim() } : {}) };
        const created = await call(session.client.v1.createKeyControllerCreate({ metadata, spec }));
        onDone({ ...created, name: metadata.name });
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const found: typeof errors = {};
      for (const fieldError of error.fieldErrors) {
        const field = fieldOf(fieldError);
        found[field] = [found[field], fieldError.message].filter(Boolean).join('; ');
      }
      if (error.fieldErrors.length === 0) found.other = error.message;
      setErrors(found);
    } finally {
      setBusy(false);
    }
  };

  const describedBy = (field: Field) => (errors[field] ? `${id}-${field}-error` : undefined);
  const fieldError = (field: Field) =>
    errors[field] ? (
      <p id={`${id}-${field}-error`} className="field-error">
        {errors[field]}
      </p>
    ) : null;

  return (
    <Dialog title={existing ? `Edit API Key “${existing.metadata.name}”` : 'Add New API Key'} onClose={onClose}>
      <form onSubmit={submit} noValidate>
        {errors.other && (
          <p className="alert alert-bad" role="alert">
            {errors.other}
          </p>
        )}
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} required aria-invalid={!!errors.name} aria-describedby={describedBy('name')} autoComplete="off" />
          {fieldError('name')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-description`}>Description</label>
          <textarea id={`${id}-description`} value={description} onChange={(e) => setDescription(e.target.value)} rows={2} aria-invalid={!!errors.description} aria-describedby={describedBy('description')} />
          {fieldError('description')}
        </div>
        <div className="field">
          <label htmlFor={`${id}-expiration`}>Expiration</label>
          <select id={`${id}-expiration`} value={expiration} onChange={(e) => setExpiration(e.target.value as Expiration)} aria-invalid={!!errors.expiration} aria-describedby={describedBy('expiration')}>
            {existing && <option value="keep">Keep current ({formatDate(existing.spec.expiry)})</option>}
            {presets.map((days) => (
              <option key={days} value={String(days)}>
                {days} days
              </option>
            ))}
            <option value="custom">Custom date</option>
          </select>
          {expiration === 'custom' && (
            <>
              <label htmlFor={`${id}-custom`}>Expiration date (UTC{maxLifetimeDays === null ? '' : `, at most ${maxLifetimeDays} days from now`})</label>
              <input id={`${id}-custom`} type="date" min={minDay} max={maxDay} value={customDay} onChange={(e) => setCustomDay(e.target.value)} aria-describedby={describedBy('expiration')} />
            </>
          )}
          {fieldError('expiration')}
        </div>
        {session.admin && !existing && (
          <div className="field">
            <label htmlFor={`${id}-user`}>User (leave empty for yourself)</label>
            <input id={`${id}-user`} value={user} onChange={(e) => setUser(e.target.value)} aria-invalid={!!errors.user} aria-describedby={describedBy('user')} autoComplete="off" />
            {fieldError('user')}
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {existing ? 'Save changes' : 'Confirm'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
