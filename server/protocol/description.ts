// The one rule for over-long descriptions (README, "Long descriptions"): whoever can still change
// the text cuts it to LIMITS.descriptionChars (the first 1,999 characters and "…"); a signed
// payload cannot be changed, so the server refuses a signed one that is longer.
import { LIMITS } from './limits.ts';

/** The description cut to the limit (never splitting a surrogate pair), and whether it was cut. */
export function clipDescription(text: string, max: number = LIMITS.descriptionChars): { text: string; clipped: boolean } {
  if (text.length <= max) return { text, clipped: false };
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: `${text.slice(0, end)}…`, clipped: true };
}

/** A request body whose `description` is cut by the rule (unsigned queries such as `POST /v1/ideas/check`). */
export function clipDescriptionField(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const d = (body as { description?: unknown }).description;
  if (typeof d !== 'string' || d.length <= LIMITS.descriptionChars) return body;
  return { ...body, description: clipDescription(d).text };
}
