import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Invalid-traffic rules applied at the edge. Flagged events are kept with a reason
 * (so reports can show them) and never billed.
 */
export type IvtReason = 'KNOWN_BOT' | 'NO_USER_AGENT' | 'CLICK_WITHOUT_IMPRESSION' | 'CLICK_TOO_FAST' | 'DUPLICATE_CLICK' | 'BURST';

/** A person needs at least this long between seeing a pin and clicking it. */
export const MIN_HUMAN_CLICK_DELAY_MS = 800;

function loadList(): { patterns: string[]; exceptions: string[] } {
  const lines = readFileSync(join(__dirname, 'bot-user-agents.txt'), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim().toLowerCase())
    .filter((line) => line.length > 0);
  return {
    patterns: lines.filter((l) => !l.startsWith('!')),
    exceptions: lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1)),
  };
}

const { patterns: PATTERNS, exceptions: EXCEPTIONS } = loadList();

/** GIVT by user agent: a missing agent or one on the shipped bot list. */
export function userAgentIvt(userAgent: string | undefined): IvtReason | null {
  if (!userAgent || userAgent.trim() === '') return 'NO_USER_AGENT';
  const ua = userAgent.toLowerCase();
  if (EXCEPTIONS.some((e) => ua.includes(e))) return null;
  return PATTERNS.some((p) => ua.includes(p)) ? 'KNOWN_BOT' : null;
}

/** A click that came faster after its impression than a human could manage. */
export function clickTimingIvt(impressionAtMs: number | null, clickAtMs: number): IvtReason | null {
  if (impressionAtMs === null) return 'CLICK_WITHOUT_IMPRESSION';
  return clickAtMs - impressionAtMs < MIN_HUMAN_CLICK_DELAY_MS ? 'CLICK_TOO_FAST' : null;
}

export const BOT_PATTERN_COUNT = PATTERNS.length;
