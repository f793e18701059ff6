import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { filtersByJob } from '../shared/generated/triggers';
import { triggerProperties } from '../shared/triggerProperties';
import { getJobs, visageRequest } from '../shared/transport';

/** The cursor kept in the workflow's static data: the newest item seen. */
interface PollState extends IDataObject {
	since?: string;
}

/** The most items one request asks for (the hub's maximum). */
const pageSize = 200;

/** Requests one poll makes at most; a longer backlog waits for the next poll. */
const maxPages = 10;

/**
 * Starts a workflow from Visage events by polling GET /v1/triggers/{key}
 * on n8n's schedule, for hubs n8n cannot receive webhooks from. The hub
 * returns the items strictly after `since` (an event ID, exact because
 * items are ordered by commit); the newest ID becomes the next cursor, so
 * each event starts the workflow once. The first poll of an activated workflow only sets the cursor, so
 * activating does not replay history; a manual test run returns the most
 * recent item.
 */
export class VisagePollingTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Visage Polling Trigger',
		name: 'visagePollingTrigger',
		icon: { light: 'file:../../icons/visage.svg', dark: 'file:../../icons/visage.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description: 'Starts the workflow when a Visage event happens, checking on a schedule',
		defaults: {
			name: 'Visage Polling Trigger',
		},
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'visageApi',
				required: true,
			},
		],
		properties: triggerProperties,
	};

	methods = {
		loadOptions: {
			getJobs,
		},
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const key = this.getNodeParameter('event') as string;
		const jobId = filtersByJob[key] ? (this.getNodeParameter('jobId', '') as string) : '';
		const state = this.getWorkflowStaticData('node') as PollState;
		const list = async (qs: IDataObject): Promise<IDataObject[]> => {
			if (jobId) qs.job_id = jobId;
			const items = await visageRequest(this, 'GET', `/v1/triggers/${encodeURIComponent(key)}`, { qs });
			return (items ?? []) as IDataObject[];
		};

		if (this.getMode() === 'manual') {
			const latest = await list({ limit: 1 });
			return latest.length ? [this.helpers.returnJsonArray(latest)] : null;
		}
		if (!state.since) {
			// First poll since activation: remember where history ends.
			const latest = await list({ limit: 1 });
			state.since = latest.length ? String(latest[0].id) : new Date().toISOString();
			return null;
		}
		// With since, the hub returns the oldest pageSize items after it,
		// newest first; a full page means more wait after its first item.
		const found: IDataObject[] = [];
		for (let page = 0; page < maxPages; page++) {
			const items = await list({ since: state.since, limit: pageSize });
			if (!items.length) break;
			state.since = String(items[0].id);
			found.push(...items.slice().reverse());
			if (items.length < pageSize) break;
		}
		// Oldest first, so the workflow sees events in the order they happened.
		return found.length ? [this.helpers.returnJsonArray(found)] : null;
	}
}
