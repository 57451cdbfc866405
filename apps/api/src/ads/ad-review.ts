import type { AdRejectedReason } from '@loupe/contracts';

/**
 * Loupe's automatic ad policy check. It is NOT human review: it is a small, synchronous,
 * deterministic set of rules run whenever an ad is submitted (created or changed outside
 * DRAFT), so the same ad always gets the same verdict. The auction serves APPROVED ads only.
 *
 * Rules (each failure adds a Pinterest `rejected_reasons` value and a readable label):
 * - LANDING_PAGE: the ad needs a destination — its `destination_url`, else the pin's `link` —
 *   that is an absolute http(s) URL.
 * - IMAGE: the pin's image must be served over https (mixed content breaks on the apps).
 * - NO_DESCRIPTION: the pin needs a title.
 * - Prohibited terms in the pin's title, description or alt text (whole words, any case),
 *   grouped by reason in `PROHIBITED_TERMS`.
 */
export interface ReviewSubject {
  destinationUrl: string | null;
  pin: { title: string | null; description: string | null; alt_text: string | null; link: string | null; image_url: string };
}

export interface ReviewVerdict {
  review_status: 'APPROVED' | 'REJECTED';
  rejected_reasons: AdRejectedReason[];
  rejection_labels: string[];
}

/** Words and phrases the policy refuses, by the reason reported. */
export const PROHIBITED_TERMS: Readonly<Partial<Record<AdRejectedReason, readonly string[]>>> = {
  WEIGHT_LOSS: ['lose weight fast', 'weight loss pill', 'weight loss pills', 'diet pill', 'diet pills', 'fat burner'],
  EXAGGERATED_CLAIMS: ['miracle cure', 'guaranteed results', '100% guaranteed', 'risk-free cure'],
  PROHIBITED_PRODUCT: ['cigarette', 'cigarettes', 'e-cigarette', 'vape', 'vapes', 'vaping', 'counterfeit'],
  WEAPONS: ['firearm', 'firearms', 'ammunition', 'assault rifle'],
  ILLEGAL_RECREATIONAL_DRUG: ['cocaine', 'heroin', 'methamphetamine'],
  CLICKBAIT: ["you won't believe", 'you will not believe', 'doctors hate'],
};

const TEXT_FIELDS = [
  ['title', 'title'],
  ['description', 'description'],
  ['alt_text', 'alt text'],
] as const;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whole-word, case-insensitive: "vape" matches "Vape pens" but not "vapers" or "evaporate". */
const TERM_PATTERNS = Object.entries(PROHIBITED_TERMS).flatMap(([reason, terms]) =>
  (terms ?? []).map((term) => ({
    reason: reason as AdRejectedReason,
    term,
    pattern: new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(term)}(?![\\p{L}\\p{N}])`, 'iu'),
  })),
);

function isHttpUrl(value: string, protocols: readonly string[]): boolean {
  try {
    const url = new URL(value);
    return protocols.includes(url.protocol) && url.hostname !== '';
  } catch {
    return false;
  }
}

export function reviewAd(subject: ReviewSubject): ReviewVerdict {
  const reasons: AdRejectedReason[] = [];
  const labels: string[] = [];
  const reject = (reason: AdRejectedReason, label: string) => {
    if (!reasons.includes(reason)) reasons.push(reason);
    labels.push(label);
  };

  const destination = subject.destinationUrl ?? subject.pin.link;
  if (destination === null || destination === '') {
    reject('LANDING_PAGE', "The ad has no destination: set destination_url on the ad or a link on the pin.");
  } else if (!isHttpUrl(destination, ['http:', 'https:'])) {
    reject('LANDING_PAGE', `The destination ${destination} is not an http(s) URL.`);
  }
  if (!isHttpUrl(subject.pin.image_url, ['https:'])) {
    reject('IMAGE', "The pin's image must be served over https; re-create the pin with an https:// image URL.");
  }
  if (subject.pin.title === null || subject.pin.title.trim() === '') {
    reject('NO_DESCRIPTION', 'The pin has no title; promoted pins need one.');
  }
  for (const [field, label] of TEXT_FIELDS) {
    const text = subject.pin[field];
    if (!text) continue;
    for (const { reason, term, pattern } of TERM_PATTERNS) {
      if (pattern.test(text)) reject(reason, `The pin's ${label} contains "${term}", which Loupe's ad policy does not allow (${reason}).`);
    }
  }

  return reasons.length === 0
    ? { review_status: 'APPROVED', rejected_reasons: [], rejection_labels: [] }
    : { review_status: 'REJECTED', rejected_reasons: reasons, rejection_labels: labels };
}
