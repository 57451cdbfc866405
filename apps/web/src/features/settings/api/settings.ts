import {
  apiTokenCreatedSchema,
  apiTokenPageSchema,
  memberPageSchema,
  memberSchema,
  PAGE_SIZE_MAX,
  type AdAccountRole,
  type ApiToken,
  type ApiTokenCreateBody,
  type Member,
} from '@loupe/contracts';
import { z } from 'zod';
import { apiFetch } from '../../../lib/api';

export const membersQueryKey = (accountId: string) => ['ad-accounts', accountId, 'members'] as const;
export const tokensQueryKey = ['api-tokens'] as const;

export async function fetchMembers(accountId: string, signal?: AbortSignal): Promise<Member[]> {
  const all: Member[] = [];
  let bookmark: string | null = null;
  do {
    const query = new URLSearchParams({ page_size: String(PAGE_SIZE_MAX) });
    if (bookmark) query.set('bookmark', bookmark);
    const page = await apiFetch(`/v5/ad_accounts/${accountId}/members?${query}`, memberPageSchema, { signal });
    all.push(...page.items);
    bookmark = page.bookmark;
  } while (bookmark);
  return all;
}

export function inviteMember(accountId: string, email: string, role: AdAccountRole) {
  return apiFetch(`/v5/ad_accounts/${accountId}/members`, memberSchema, { method: 'POST', json: { email, role } });
}

export function changeRole(accountId: string, userId: string, role: AdAccountRole) {
  return apiFetch(`/v5/ad_accounts/${accountId}/members/${userId}`, memberSchema, { method: 'PATCH', json: { role } });
}

export function removeMember(accountId: string, member: Member) {
  const path =
    member.status === 'INVITED' || member.user_id === null
      ? `/v5/ad_accounts/${accountId}/invitations/${encodeURIComponent(member.email)}`
      : `/v5/ad_accounts/${accountId}/members/${member.user_id}`;
  return apiFetch(path, z.undefined(), { method: 'DELETE' });
}

export async function fetchTokens(signal?: AbortSignal): Promise<ApiToken[]> {
  const all: ApiToken[] = [];
  let bookmark: string | null = null;
  do {
    const query = new URLSearchParams({ page_size: String(PAGE_SIZE_MAX) });
    if (bookmark) query.set('bookmark', bookmark);
    const page = await apiFetch(`/v5/auth/tokens?${query}`, apiTokenPageSchema, { signal });
    all.push(...page.items);
    bookmark = page.bookmark;
  } while (bookmark);
  return all;
}

export function createToken(body: ApiTokenCreateBody) {
  return apiFetch('/v5/auth/tokens', apiTokenCreatedSchema, { method: 'POST', json: body });
}

export function revokeToken(id: string) {
  return apiFetch(`/v5/auth/tokens/${id}`, z.undefined(), { method: 'DELETE' });
}
