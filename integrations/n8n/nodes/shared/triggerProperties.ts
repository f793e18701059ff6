import type { INodeProperties } from 'n8n-workflow';
import { defaultEvent, eventOptions, filtersByJob } from './generated/triggers';

/**
 * The fields both trigger nodes show: the event to start on and, for the
 * candidate events, an optional job. The webhook and the polling trigger
 * must offer the same choices, so they are written once here.
 */
export const triggerProperties: INodeProperties[] = [
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
];
