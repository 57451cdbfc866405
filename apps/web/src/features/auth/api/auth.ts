import {
  accessTokenResponseSchema,
  signupResponseSchema,
  userAccountSchema,
  type LoginBody,
  type SignupBody,
} from '@loupe/contracts';
import { z } from 'zod';
import { apiFetch } from '../../../lib/api';

export function signUp(body: SignupBody) {
  return apiFetch('/v5/auth/signup', signupResponseSchema, { method: 'POST', json: body });
}

export function logIn(body: LoginBody) {
  return apiFetch('/v5/auth/login', accessTokenResponseSchema, { method: 'POST', json: body });
}

export function logOut() {
  return apiFetch('/v5/auth/logout', z.undefined(), { method: 'POST' });
}

export const userAccountQueryKey = ['user-account'] as const;

export function fetchUserAccount(signal?: AbortSignal) {
  return apiFetch('/v5/user_account', userAccountSchema, { signal });
}
