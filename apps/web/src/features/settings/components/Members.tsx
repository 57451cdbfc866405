import { AD_ACCOUNT_ROLES, memberInviteBodySchema, type AdAccountRole, type Member } from '@loupe/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Field, FormError } from '../../../components/Field';
import { ErrorState, Skeleton } from '../../../components/States';
import { errorMessage } from '../../../lib/apiErrors';
import { apiFieldErrors, type FieldErrors, zodFieldErrors } from '../../../lib/forms';
import { formatDate } from '../../../lib/format';
import { ROLE_LABELS } from '../../ad-accounts/api/adAccounts';
import { useCurrentAccount } from '../../ad-accounts/hooks/useAdAccounts';
import { changeRole, fetchMembers, inviteMember, membersQueryKey, removeMember } from '../api/settings';

export function Members() {
  const { account, can } = useCurrentAccount();
  const queryClient = useQueryClient();
  const key = membersQueryKey(account.id);
  const { data, error, refetch } = useQuery({ queryKey: key, queryFn: ({ signal }) => fetchMembers(account.id, signal) });
  const [rowError, setRowError] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: key });
  const roleChange = useMutation({
    mutationFn: ({ member, role }: { member: Member; role: AdAccountRole }) => changeRole(account.id, member.user_id!, role),
    onSuccess: refresh,
    onError: (e) => setRowError(errorMessage(e)),
  });
  const removal = useMutation({
    mutationFn: (member: Member) => removeMember(account.id, member),
    onSuccess: refresh,
    onError: (e) => setRowError(errorMessage(e)),
  });

  return (
    <section aria-labelledby="members-title" className="panel">
      <h2 id="members-title">Members and roles</h2>
      <p className="muted">Admins manage everything; campaign managers edit campaigns; analysts only read; finance managers see billing.</p>
      {rowError && (
        <div role="alert" className="callout callout--error">
          <p>{rowError}</p>
        </div>
      )}
      {data === undefined ? (
        error ? (
          <ErrorState title="Could not load the members" error={error} onRetry={() => void refetch()} />
        ) : (
          <Skeleton label="Loading members…" />
        )
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Role</th>
                <th scope="col">Since</th>
                {can.canManageMembers && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {data.map((member) => (
                <tr key={member.email}>
                  <td>
                    {member.username ?? member.email}
                    <br />
                    <span className="muted">{member.status === 'INVITED' ? `${member.email} · invited` : member.email}</span>
                  </td>
                  <td>
                    {can.canManageMembers && member.status === 'ACTIVE' ? (
                      <select
                        aria-label={`Role of ${member.email}`}
                        value={member.role}
                        onChange={(e) => {
                          setRowError(null);
                          roleChange.mutate({ member, role: e.target.value as AdAccountRole });
                        }}
                      >
                        {AD_ACCOUNT_ROLES.map((r) => (
                          <option key={r} value={r}>
                            {ROLE_LABELS[r]}
                          </option>
                        ))}
                      </select>
                    ) : (
                      ROLE_LABELS[member.role]
                    )}
                  </td>
                  <td>{formatDate(member.created_time, account.timezone)}</td>
                  {can.canManageMembers && (
                    <td>
                      <button
                        type="button"
                        className="button button--small"
                        onClick={() => {
                          setRowError(null);
                          if (window.confirm(`Remove ${member.email} from ${account.name}?`)) removal.mutate(member);
                        }}
                      >
                        {member.status === 'INVITED' ? 'Cancel invitation' : 'Remove'}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {can.canManageMembers && <InviteForm accountId={account.id} onInvited={() => void refresh()} />}
    </section>
  );
}

function InviteForm({ accountId, onInvited }: { accountId: string; onInvited: () => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<AdAccountRole>('ANALYST');
  const [errors, setErrors] = useState<FieldErrors>({});
  const mutation = useMutation({
    mutationFn: (body: { email: string; role: AdAccountRole }) => inviteMember(accountId, body.email, body.role),
    onSuccess: () => {
      setEmail('');
      onInvited();
    },
    onError: (error) => setErrors(apiFieldErrors(error, ['email', 'role'])),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = memberInviteBodySchema.safeParse({ email, role });
    if (!parsed.success) return setErrors(zodFieldErrors(parsed.error));
    setErrors({});
    mutation.mutate(parsed.data);
  };
  return (
    <form onSubmit={submit} noValidate className="form form--inline" aria-label="Invite a member">
      <h3>Invite someone</h3>
      <FormError message={errors._form} />
      <div className="field-row">
        <Field label="Email" error={errors.email}>
          {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
        <Field label="Role" error={errors.role}>
          {(p) => (
            <select {...p} value={role} onChange={(e) => setRole(e.target.value as AdAccountRole)}>
              {AD_ACCOUNT_ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <button type="submit" className="button button--primary" disabled={mutation.isPending}>
        Send invitation
      </button>
    </form>
  );
}
