import { type Fraction, type IntegerInput, divRound, fraction, toBigInt } from './exact';
import { type BaseMeasures, totalConversionValueMicros, totalConversions, totalEngagements } from './measures';

/*
 * The one definition of every metric (DESIGN.md §6). Each is
 * sum(numerator) / sum(denominator) over the slice the measures describe, and null
 * when the denominator is 0. To get a total over several slices, `aggregate()` them
 * first and apply the metric to the result — never average the slices' ratios.
 *
 * Ratios are exact fractions (render with fractionToDecimal / fractionToNumber);
 * money per unit (CPC, CPM, CPA) is integer micros rounded half away from zero.
 */

/** Click-through rate: clicks / impressions. */
export function ctr(m: BaseMeasures): Fraction | null {
  return fraction(m.clicks, m.impressions);
}

/** Cost per click in micros: spend / clicks. */
export function cpcMicros(m: BaseMeasures): bigint | null {
  return moneyPer(m.spendMicros, m.clicks);
}

/** Cost per thousand impressions in micros: spend / impressions × 1000. */
export function cpmMicros(m: BaseMeasures): bigint | null {
  // Multiply before dividing so the one rounding happens on the exact quotient.
  return moneyPer(m.spendMicros * 1000n, m.impressions);
}

/** Cost per acquisition in micros: spend / conversions (all types, or one). */
export function cpaMicros(m: BaseMeasures, conversionType?: string): bigint | null {
  return moneyPer(m.spendMicros, totalConversions(m, conversionType));
}

/** Return on ad spend: conversion value / spend (all types, or one: CHECKOUT_ROAS is roas(m, 'checkout')). */
export function roas(m: BaseMeasures, conversionType?: string): Fraction | null {
  return fraction(totalConversionValueMicros(m, conversionType), m.spendMicros);
}

/** Return on investment: (conversion value − spend) / spend. */
export function roi(m: BaseMeasures, conversionType?: string): Fraction | null {
  return fraction(totalConversionValueMicros(m, conversionType) - m.spendMicros, m.spendMicros);
}

/** Engagement rate: engagements (clicks, outbound clicks, saves, close-ups, shares) / impressions. */
export function engagementRate(m: BaseMeasures): Fraction | null {
  return fraction(totalEngagements(m), m.impressions);
}

/** Conversion rate: conversions / clicks. */
export function conversionRate(m: BaseMeasures, conversionType?: string): Fraction | null {
  return fraction(totalConversions(m, conversionType), m.clicks);
}

/** Average impressions per reached user: impressions / unique users (null when unique users are unknown or 0). */
export function frequency(m: BaseMeasures): Fraction | null {
  return m.uniqueUsers === null ? null : fraction(m.impressions, m.uniqueUsers);
}

/**
 * Period-over-period growth: (current − previous) / |previous|, e.g. QoQ or YoY on
 * spend, conversion value, ROAS or ROI. Null when the previous value is 0 or unknown
 * (growth from nothing has no finite rate) or the current value is unknown.
 *
 * Dividing by |previous| keeps the sign meaningful when the previous value is
 * negative (an ROI going from −0.5 to −0.25 is an improvement: +50%).
 */
export function growth(current: IntegerInput | Fraction | null, previous: IntegerInput | Fraction | null): Fraction | null {
  if (current === null || previous === null) return null;
  const cur = asFraction(current, 'current');
  const prev = asFraction(previous, 'previous');
  if (prev.num === 0n) return null;
  // a/b − c/d over |c/d|  =  (a·d − c·b) / (b·|c|), with b, d > 0.
  const absPrevNum = prev.num < 0n ? -prev.num : prev.num;
  return fraction(cur.num * prev.den - prev.num * cur.den, cur.den * absPrevNum);
}

function asFraction(value: IntegerInput | Fraction, what: string): Fraction {
  if (typeof value === 'object') {
    const normalised = fraction(value.num, value.den);
    if (!normalised) throw new RangeError(`${what} has a zero denominator`);
    return normalised;
  }
  return { num: toBigInt(value, what), den: 1n };
}

function moneyPer(numeratorMicros: bigint, denominator: bigint): bigint | null {
  return denominator === 0n ? null : divRound(numeratorMicros, denominator);
}
