'use strict';

const App = require('../index');
const { state, bundle, api, waitFor, unique, tester } = require('./helpers');
const { startReceiver } = require('./receiver');

const appTester = tester(App);

describe('REST hook cycle end to end against the real hub and dispatcher', () => {
  const s = state();
  let receiver;

  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    if (receiver) await receiver.close();
  });

  it('subscribes, receives the delivery, turns it into the trigger output, unsubscribes', async () => {
    const trigger = App.triggers.new_candidate.operation;
    const targetUrl = `${receiver.url}/hooks/standard/${unique('zap')}`;

    // Zap turned on.
    const subscribeData = await appTester(trigger.performSubscribe, bundle(s, { targetUrl }));
    expect(subscribeData.id).toMatch(/^hook_/);
    expect(subscribeData).toMatchObject({ target_url: targetUrl, event: 'candidate.created' });
    const hook = await api(s, 'GET', `/v1/hooks/${subscribeData.id}`);
    expect(hook.status).toBe(200);
    expect(hook.json.target_url).toBe(targetUrl);

    // Something happens in Visage.
    const email = `${unique('tomas')}@example.com`;
    const created = await api(s, 'POST', '/v1/candidates', { full_name: 'Tomás Herrera', email });
    expect(created.status).toBe(201);

    // The dispatcher delivers it, signed.
    const delivery = await waitFor(
      () => receiver.received.find((r) => r.path === new URL(targetUrl).pathname && r.body && r.body.item && r.body.item.candidate_id === created.json.id),
      { what: 'the hook delivery' }
    );
    expect(delivery.method).toBe('POST');
    for (const h of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) expect(delivery.headers[h]).toBeTruthy();
    expect(delivery.body).toMatchObject({ type: 'candidate.created', data: { id: created.json.id, email } });

    // Zapier hands that exact body to perform as cleanedRequest.
    const out = await appTester(trigger.perform, bundle(s, { cleanedRequest: delivery.body, rawRequest: { content: delivery.raw } }));
    expect(out).toEqual([delivery.body.item]);
    expect(out[0].id).toBe(delivery.body.id);
    expect(out[0]).toMatchObject({ event_type: 'candidate.created', candidate_id: created.json.id, email });

    // Zap turned off: the hook is gone, and removing it again is harmless.
    const gone = await appTester(trigger.performUnsubscribe, bundle(s, { subscribeData }));
    expect(gone).toMatchObject({ id: subscribeData.id, status: 204 });
    expect((await api(s, 'GET', `/v1/hooks/${subscribeData.id}`)).status).toBe(404);
    const again = await appTester(trigger.performUnsubscribe, bundle(s, { subscribeData }));
    expect(again.status).toBe(204);
  });

  it('subscribes every trigger to its own event type', async () => {
    const catalog = require('../generated/catalog.json');
    for (const t of catalog.triggers) {
      const op = App.triggers[t.key].operation;
      const sub = await appTester(op.performSubscribe, bundle(s, { targetUrl: `${receiver.url}/hooks/${t.key}` }));
      expect(sub).toMatchObject({ event: t.event });
      await appTester(op.performUnsubscribe, bundle(s, { subscribeData: sub }));
    }
  });

  it('ignores a request without an item (nothing to trigger on)', async () => {
    const out = await appTester(App.triggers.new_job.operation.perform, bundle(s, { cleanedRequest: { ping: true } }));
    expect(out).toEqual([]);
  });
});
