import { errorBodySchema } from '@loupe/contracts';
import { type z } from 'zod';
import { ApiError, InvalidResponseError, NetworkError, errorMessage } from './apiErrors';
import { clearSession, getSession } from './session';

export interface ApiRequestOptions extends Omit<RequestInit, 'body'> {
  /**
   * Non-2xx statuses whose body is still data when it matches the schema. `GET /health`
   * answers 503 with a full report when a dependency is down; that report is what the
   * status page exists to show.
   */
  dataStatuses?: readonly number[];
  /** Sent as JSON. */
  json?: unknown;
}

/** Fetches `path` and returns its JSON body validated by `schema`; otherwise throws one of the errors in ./apiErrors. */
export async function apiFetch<S extends z.ZodType>(path: string, schema: S, options: ApiRequestOptions = {}): Promise<z.output<S>> {
  const { dataStatuses = [], json, headers, ...init } = options;
  const requestHeaders = new Headers(headers);
  requestHeaders.set('accept', 'application/json');
  if (json !== undefined) requestHeaders.set('content-type', 'application/json');
  const session = getSession();
  if (session && !requestHeaders.has('authorization')) requestHeaders.set('authorization', `Bearer ${session.token}`);

  let response: Response;
  try {
    response = await fetch(path, { ...init, headers: requestHeaders, body: json === undefined ? undefined : JSON.stringify(json) });
  } catch (error) {
    // Cancellation is not a failure; TanStack Query expects the AbortError itself.
    if (init.signal?.aborted || isAbortError(error)) throw error;
    throw new NetworkError(`Could not reach the Loupe API (${errorMessage(error)}). Check that it is running and reachable.`, { cause: error });
  }

  const body = await readJson(response);
  const isData = response.ok || dataStatuses.includes(response.status);
  if (isData) {
    const parsed = schema.safeParse(body.ok ? body.value : undefined);
    if (parsed.success) return parsed.data;
    // A data status with an error body (or no JSON) is an error after all, e.g. a 503 from a proxy.
    if (response.ok) {
      throw new InvalidResponseError(
        response.status,
        `Unexpected response from ${path}: ${body.ok ? describeIssues(parsed.error) : 'the body is not JSON'}.`,
      );
    }
  }
  const error = toApiError(response, body);
  // The token expired or was revoked (sign-out elsewhere): drop it so the app shows sign-in.
  if (error.status === 401 && session && getSession()?.token === session.token) clearSession();
  throw error;
}

function toApiError(response: Response, body: JsonBody): ApiError {
  const errorBody = body.ok ? errorBodySchema.safeParse(body.value) : undefined;
  if (errorBody?.success) return new ApiError(response.status, errorBody.data.code, errorBody.data.message);
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  // Loupe always sends { code, message }; a bare 502/503/504 comes from a proxy that could not reach it.
  const message = [502, 503, 504].includes(response.status)
    ? `The Loupe API could not be reached (${status} from a proxy in front of it). Check that it is running.`
    : `The server answered ${status} without an error message.`;
  return new ApiError(response.status, null, message);
}

type JsonBody = { ok: true; value: unknown } | { ok: false };

async function readJson(response: Response): Promise<JsonBody> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new NetworkError(`The connection dropped while reading the API's answer (${errorMessage(error)}).`, { cause: error });
  }
  if (text.trim() === '') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function describeIssues(error: z.ZodError): string {
  const [first] = error.issues;
  if (!first) return 'the body does not match the contract';
  const where = first.path.length > 0 ? first.path.join('.') : 'body';
  return `${where}: ${first.message}`;
}

// By name: DOMException is not always an Error subclass, nor the same class in every realm.
function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'name' in error && error.name === 'AbortError';
}
