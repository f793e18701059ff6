'use strict';

const catalog = require('./catalog');
const { url } = require('./http');
const { withResumeFile } = require('./files');

// Every catalog trigger is offered twice. The catalog key is an instant REST
// hook (the hub pushes each event to Zapier as it happens): what users should
// pick. "<key>_polling" asks GET /v1/triggers/{key} every few minutes, for
// hubs that cannot send to hooks.zapier.com (firewalled or self-hosted
// without outbound access): it needs only Zapier reaching the hub. Zapier
// lets one trigger be a hook or a poll, never both, hence two keys.

const POLL_LIMIT = 100; // Zapier takes 100 new items per poll

// filtersOf picks the trigger's filter inputs (job_id) that were filled in:
// the hook's filters and the poll's query parameters.
const filtersOf = (t, bundle) => {
  const out = {};
  for (const f of t.inputFields) {
    const v = bundle.inputData && bundle.inputData[f.key];
    if (v !== undefined && v !== null && v !== '') out[f.key] = String(v);
  }
  return out;
};

// poll reads one trigger's items, newest first, each with the event's id so
// Zapier's de-duplication fires once per occurrence.
const poll = async (z, bundle, t, limit) => {
  const { key } = t;
  const response = await z.request({
    url: url(bundle, `/v1/triggers/${encodeURIComponent(key)}`),
    params: { ...filtersOf(t, bundle), limit },
  });
  if (!Array.isArray(response.data)) {
    throw new z.errors.Error(`Visage answered the ${key} poll with something other than a list.`, 'bad_response', 502);
  }
  return response.data.map((item) => withResumeFile(z, item));
};

// sampleItems is the editor's "test trigger": the account's recent items,
// else the hub's sample of that event (its real latest one or the built-in).
const sampleItems = async (z, bundle, t) => {
  const items = await poll(z, bundle, t, 3);
  if (items.length) {
    return items;
  }
  const response = await z.request({ url: url(bundle, `/v1/samples/${encodeURIComponent(t.event)}`) });
  const body = response.data || {};
  return body.item ? [withResumeFile(z, body.item)] : [];
};

const display = (t, extra) =>
  extra
    ? {
        ...t.display,
        label: `${t.display.label} (${extra})`,
        description: `${t.display.description.replace(/\.$/, '')}; checks every few minutes.`,
      }
    : t.display;

const hookTrigger = (t) => ({
  key: t.key,
  noun: t.noun,
  display: display(t),
  operation: {
    type: 'hook',
    inputFields: t.inputFields,
    performSubscribe: async (z, bundle) => {
      const response = await z.request({
        url: url(bundle, '/v1/hooks'),
        method: 'POST',
        body: { target_url: bundle.targetUrl, event: t.event, filters: filtersOf(t, bundle) },
      });
      return response.data; // becomes bundle.subscribeData: {id: "hook_…", …}
    },
    performUnsubscribe: async (z, bundle) => {
      const id = bundle.subscribeData && bundle.subscribeData.id;
      if (!id) {
        throw new z.errors.Error('This Zap has no Visage hook to remove.', 'no_subscription', 400);
      }
      const response = await z.request({
        url: url(bundle, `/v1/hooks/${encodeURIComponent(id)}`),
        method: 'DELETE',
      });
      return { id, status: response.status };
    },
    // A delivery is {id, type, timestamp, data, item}: the trigger output is item.
    perform: (z, bundle) => {
      const body = bundle.cleanedRequest || {};
      return body.item ? [withResumeFile(z, body.item)] : [];
    },
    performList: (z, bundle) => sampleItems(z, bundle, t),
    sample: t.sample,
    outputFields: t.outputFields,
  },
});

const pollingTrigger = (t) => ({
  key: `${t.key}_polling`,
  noun: t.noun,
  display: display(t, 'Polling'),
  operation: {
    type: 'polling',
    inputFields: t.inputFields,
    perform: (z, bundle) => poll(z, bundle, t, POLL_LIMIT),
    sample: t.sample,
    outputFields: t.outputFields,
  },
});

// jobList backs the job dropdown (dynamic "job_list.id.label"): the open
// jobs as {id, label}. Hidden, since it is not something to start a Zap from.
const jobList = {
  ...catalog.job_list,
  operation: {
    type: 'polling',
    perform: async (z, bundle) => {
      const response = await z.request({ url: url(bundle, '/v1/meta/options/jobs') });
      const options = Array.isArray(response.data) ? response.data : [];
      return options.map((o) => ({ id: o.value, label: o.label }));
    },
    sample: catalog.job_list.sample,
    outputFields: catalog.job_list.outputFields,
  },
};
delete jobList.sample;
delete jobList.outputFields;

const all = [...catalog.triggers.map(hookTrigger), ...catalog.triggers.map(pollingTrigger), jobList];

module.exports = Object.fromEntries(all.map((t) => [t.key, t]));
