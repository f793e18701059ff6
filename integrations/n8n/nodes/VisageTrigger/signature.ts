import { createHmac, timingSafeEqual } from 'crypto';

/** How far a delivery's timestamp may be from now, as Standard Webhooks suggests. */
export const toleranceSeconds = 300;

/**
 * Checks a hub delivery's Standard Webhooks signature: `webhook-signature`
 * holds space-separated `v1,<base64 HMAC-SHA256>` entries over
 * `${webhook-id}.${webhook-timestamp}.${raw body}`, keyed with the hook's
 * secret (`whsec_` + base64 key, returned once when the hook is created).
 * A stale timestamp fails too, so a captured delivery cannot be replayed.
 */
export function validSignature(
	secret: string,
	headers: Record<string, string | string[] | undefined>,
	rawBody: Buffer,
	nowMs: number,
): boolean {
	const one = (name: string) => {
		const v = headers[name];
		return Array.isArray(v) ? v[0] : v;
	};
	const id = one('webhook-id');
	const timestamp = one('webhook-timestamp');
	const signatures = one('webhook-signature');
	if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
	if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) return false;
	const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
	const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(rawBody).digest();
	return signatures.split(' ').some((entry) => {
		const [version, encoded] = entry.split(',', 2);
		if (version !== 'v1' || !encoded) return false;
		const got = Buffer.from(encoded, 'base64');
		return got.length === expected.length && timingSafeEqual(got, expected);
	});
}
