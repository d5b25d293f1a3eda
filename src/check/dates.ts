/**
 * `until` dates: a real calendar date; a grant holds through its date (UTC) and is left out from the
 * next day on (FW403), with a reminder in the 14 days before (FW404).
 */
import type { CheckContext } from './context.js';

export const EXPIRY_WARNING_DAYS = 14;

/** Days from `a` to `b` (both YYYY-MM-DD), or null when either is not a real date. */
export function daysBetween(a: string, b: string): number | null {
  const ta = dateValue(a);
  const tb = dateValue(b);
  return ta === null || tb === null ? null : Math.round((tb - ta) / 86_400_000);
}

/** Milliseconds of a YYYY-MM-DD date at 00:00 UTC, or null when the date does not exist (2026-02-30). */
export function dateValue(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? t : null;
}

/** Today's date in UTC as YYYY-MM-DD. */
export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Checks an `until` date; returns whether the grant has expired as of `ctx.asOf`. */
export function checkUntil(
  ctx: CheckContext,
  until: { text: string; span: { start: number; end: number } },
  what: 'grant' | 'guardrail',
): boolean {
  const days = daysBetween(ctx.asOf, until.text);
  if (days === null) {
    ctx.report('invalidDate', {
      message: `\`${until.text}\` is not a calendar date`,
      span: until.span,
      label: 'no such date',
      help: ['write a date as YYYY-MM-DD, such as 2026-12-31'],
    });
    return false;
  }
  if (days < 0) {
    ctx.report('expired', {
      message: `this ${what} expired on ${until.text} and is left out`,
      span: until.span,
      label: `${-days} day${days === -1 ? '' : 's'} ago`,
      notes: [`checked as of ${ctx.asOf} (UTC); set another date with --as-of`],
      help: ['remove the statement, or extend its date if the access is still needed'],
    });
    return true;
  }
  if (days <= EXPIRY_WARNING_DAYS) {
    ctx.report('expiresSoon', {
      message: `this ${what} expires on ${until.text}`,
      span: until.span,
      label: days === 0 ? 'last day today' : `in ${days} day${days === 1 ? '' : 's'}`,
      notes: [`from the day after, the compiled firewalls no longer ${what === 'grant' ? 'allow' : 'deny'} it (checked as of ${ctx.asOf}, UTC)`],
    });
  }
  return false;
}
