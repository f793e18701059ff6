import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { defaultEvent, eventOptions, filtersByJob } from '../shared/generated/triggers';
import { getJobs, visageRequest } from '../shared/transport';

/** The cursor kept in the workflow's static data: the newest item seen. */
interface PollState extends IDataObject {
	since?: string;
}

/** The most items one poll asks for (the hub's maximum). */
const pageSize = 200;

/**
 * Starts a workflow from Visage events by polling GET /v1/triggers/{key}
 * on n8n's schedule, for hubs n8n cannot receive webhooks from. The hub
 * returns items newest first, strictly after `since` (an event ID); the
 * newest ID becomes the next cursor, so each event starts the workflow
 * once. The first poll of an activated workflow only sets the cursor, so
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
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				required: true,
				options: eventOptions,
				default: defaultEvent,
			},
			{
				displayName: 'Job Name or ID',
				name: 'jobId',
				type: 'options',
				typeOptions: { loadOptionsMethod: 'getJobs' },
				default: '',
				description:
					'Only candidates of this job. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
				displayOptions: {
					show: {
						event: Object.keys(filtersByJob).filter((k) => filtersByJob[k]),
					},
				},
			},
		],
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
		const manual = this.getMode() === 'manual';
		const qs: IDataObject = { limit: manual || !state.since ? 1 : pageSize };
		if (jobId) qs.job_id = jobId;
		if (!manual && state.since) qs.since = state.since;

		const items = ((await visageRequest(this, 'GET', `/v1/triggers/${encodeURIComponent(key)}`, { qs })) ??
			[]) as IDataObject[];
		if (manual) {
			return items.length ? [this.helpers.returnJsonArray(items)] : null;
		}
		const first = !state.since;
		if (items.length) {
			state.since = String(items[0].id);
		} else if (first) {
			state.since = new Date().toISOString();
		}
		if (first || !items.length) return null;
		// Oldest first, so the workflow sees events in the order they happened.
		return [this.helpers.returnJsonArray(items.slice().reverse())];
	}
}
