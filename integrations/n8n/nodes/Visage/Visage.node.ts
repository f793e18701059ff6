import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { getJobs } from '../shared/transport';
import { operationFields, operations } from './generated/actions';
import { downloadResume } from './resume';

/**
 * The Visage action node. Its operations and their fields are generated from
 * the hub's actions catalog (generated/actions.ts) and run declaratively:
 * each operation's routing posts to /v1/actions/{key} or queries
 * /v1/searches/{key}, and each field routes itself into the body or the
 * query. Only Download Resume is code (customOperations), because it must
 * name the binary file after the Content-Disposition header.
 */
export class Visage implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Visage',
		name: 'visage',
		icon: { light: 'file:../../icons/visage.svg', dark: 'file:../../icons/visage.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Create, update and find jobs and candidates in Visage, and download resumes',
		defaults: {
			name: 'Visage',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'visageApi',
				required: true,
			},
		],
		requestDefaults: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			headers: {
				Accept: 'application/json',
				'Content-Type': 'application/json',
			},
		},
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Candidate',
						value: 'candidate',
					},
					{
						name: 'Job',
						value: 'job',
					},
				],
				default: 'candidate',
			},
			...operations,
			...operationFields,
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				required: true,
				hint: 'The name of the output binary field to put the resume in',
				displayOptions: {
					show: {
						resource: ['candidate'],
						operation: ['download_resume'],
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

	customOperations = {
		candidate: {
			download_resume: downloadResume,
		},
	};
}
