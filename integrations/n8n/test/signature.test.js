// Unit tests of the built trigger's signature check (node --test, after
// n8n-node build). The known-answer vector is the Standard Webhooks
// specification's own, which hub/webhook.Sign also produces.
const test = require('node:test');
const assert = require('node:assert/strict');
const { validSignature, toleranceSeconds } = require('../dist/nodes/VisageTrigger/signature.js');

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = Buffer.from('{"test": 2432232314}');
const ts = 1614265330;
const headers = {
	'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
	'webhook-timestamp': String(ts),
	'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const now = ts * 1000;

test('accepts the specification vector', () => {
	assert.equal(validSignature(secret, headers, body, now), true);
});

test('accepts when one of several signatures matches (secret rotation)', () => {
	const h = { ...headers, 'webhook-signature': 'v1,AAAA v2,xyz ' + headers['webhook-signature'] };
	assert.equal(validSignature(secret, h, body, now), true);
});

const rejects = {
	'changed body': [headers, Buffer.from('{"test": 2432232315}'), now],
	'other message id': [{ ...headers, 'webhook-id': 'msg_other' }, body, now],
	'other secret': [headers, body, now, 'whsec_' + Buffer.from('another key of enough length!!').toString('base64')],
	'unknown version': [{ ...headers, 'webhook-signature': headers['webhook-signature'].replace('v1,', 'v2,') }, body, now],
	'missing signature': [{ ...headers, 'webhook-signature': undefined }, body, now],
	'missing timestamp': [{ ...headers, 'webhook-timestamp': undefined }, body, now],
	'timestamp not a number': [{ ...headers, 'webhook-timestamp': '1614265330.5' }, body, now],
	'too old': [headers, body, now + (toleranceSeconds + 1) * 1000],
	'from the future': [headers, body, now - (toleranceSeconds + 1) * 1000],
};
for (const [name, [h, b, at, s]] of Object.entries(rejects)) {
	test(`rejects: ${name}`, () => {
		assert.equal(validSignature(s ?? secret, h, b, at), false);
	});
}

test('accepts at the edge of the tolerance', () => {
	assert.equal(validSignature(secret, headers, body, now + toleranceSeconds * 1000), true);
});
