'use strict';

const App = require('../index');
const { state, bundle, authData, tester } = require('./helpers');

const appTester = tester(App);

describe('authentication against the real hub', () => {
  const s = state();

  it('accepts a good key: test answers /v1/me', async () => {
    const me = await appTester(App.authentication.test, bundle(s));
    expect(me).toMatchObject({ account_id: s.account_id, account_name: s.account_name, key_label: s.key_label });
    expect(me.key_id).toMatch(/^key_/);
  });

  it('labels the connection with the account and the key label', async () => {
    const me = await appTester(App.authentication.test, bundle(s));
    const label = await appTester(App.authentication.connectionLabel, bundle(s, { inputData: me }));
    expect(label).toBe(`${s.account_name} (${s.key_label})`);
  });

  it.each([
    ['an unknown key', 'vsk_notarealkeynotarealkeynotareal'],
    ['a revoked key', null],
  ])('refuses %s with an auth error that says what to do', async (name, key) => {
    const b = bundle(s, { authData: authData(s, key || s.revoked_key) });
    await expect(appTester(App.authentication.test, b)).rejects.toMatchObject({
      name: 'ExpiredAuthError',
      message: expect.stringMatching(/did not accept the API key.*Reconnect/s),
    });
  });

  it('sends the key only to the hub, never to other hosts', async () => {
    const { addApiKey } = require('../lib/http');
    const b = bundle(s);
    expect(addApiKey({ url: `${s.url}/v1/me` }, null, b).headers['X-API-Key']).toBe(s.api_key);
    expect(addApiKey({ url: 'https://files.example.com/cv.pdf' }, null, b).headers['X-API-Key']).toBeUndefined();
  });
});
