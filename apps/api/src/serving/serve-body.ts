import { SERVE_PLACEMENTS, SERVE_SLOTS_MAX, serveBodySchema, type ServeBody, type ServeUser } from '@loupe/contracts';

/**
 * `serveBodySchema.parse`, with a fast path for the bodies an ad client sends.
 *
 * zod builds its result through a generic pipeline that costs a few per cent of a serve
 * request. A body that is plainly valid — known keys only, values of the right types
 * within their limits — is copied here into exactly what the schema would return
 * (strings trimmed, `slots` defaulting to 1, `interests` to []); anything else, valid or
 * not, goes to the schema itself, which stays the one definition and words every error.
 * serve-body.spec.ts checks the two agree.
 */
export function parseServeBody(raw: unknown): ServeBody {
  return fastServeBody(raw) ?? serveBodySchema.parse(raw);
}

const PLACEMENTS: ReadonlySet<unknown> = new Set(SERVE_PLACEMENTS);
/** The optional string segments of `user` and their maximum lengths (after trimming). */
const SEGMENTS: Readonly<Record<string, number>> = {
  keywords: 500,
  query: 500,
  location: 16,
  age_bucket: 16,
  gender: 16,
  device: 32,
  app_type: 32,
  locale: 16,
};
const MAX_INTERESTS = 100;
const MAX_INTEREST_LENGTH = 64;
const MAX_USER_ID_LENGTH = 128;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

/** The parsed body, or null when the schema must decide. */
export function fastServeBody(raw: unknown): ServeBody | null {
  if (!isPlainObject(raw)) return null;
  for (const key in raw) {
    if (!Object.hasOwn(raw, key)) return null;
    if (key !== 'placement' && key !== 'slots' && key !== 'user') return null;
  }
  const { placement, slots, user } = raw;
  if (!PLACEMENTS.has(placement)) return null;
  let slotCount = 1;
  if (slots !== undefined) {
    if (typeof slots !== 'number' || !Number.isInteger(slots) || slots < 1 || slots > SERVE_SLOTS_MAX) return null;
    slotCount = slots;
  }
  if (!isPlainObject(user)) return null;
  const out: Record<string, unknown> = {};
  for (const key in user) {
    if (!Object.hasOwn(user, key)) return null;
    const value = user[key];
    if (key === 'id') {
      if (typeof value !== 'string') return null;
      const id = value.trim();
      if (id.length < 1 || id.length > MAX_USER_ID_LENGTH) return null;
      out.id = id;
    } else if (key === 'interests') {
      if (!Array.isArray(value) || value.length > MAX_INTERESTS) return null;
      const interests: string[] = [];
      for (const interest of value as unknown[]) {
        if (typeof interest !== 'string') return null;
        const trimmed = interest.trim();
        if (trimmed.length > MAX_INTEREST_LENGTH) return null;
        interests.push(trimmed);
      }
      out.interests = interests;
    } else {
      const max = Object.hasOwn(SEGMENTS, key) ? SEGMENTS[key] : undefined;
      if (max === undefined || typeof value !== 'string') return null;
      const trimmed = value.trim();
      if (trimmed.length > max) return null;
      out[key] = trimmed;
    }
  }
  if (out.id === undefined) return null;
  out.interests ??= [];
  return { placement: placement as ServeBody['placement'], slots: slotCount, user: out as unknown as ServeUser };
}
