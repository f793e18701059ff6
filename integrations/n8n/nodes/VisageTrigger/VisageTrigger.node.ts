import {
	NodeApiError,
	NodeConnectionTypes,
	type IDataObject,
	type IHookFunctions,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
	type JsonObject,
} from 'n8n-workflow';
import { filtersByJob, hookEvents } from '../shared/generated/triggers';
import { triggerProperties } from '../shared/triggerProperties';
import { getJobs, visageRequest } from '../shared/transport';
import { validSignature } from './signature';

/** What the node keeps in the workflow's static data between activations. */
interface HookState extends IDataObject {
	hookId?: string;
	/** The hook's signing secret, which the hub shows only on creation. */
	hookSecret?: string;
}

/** A 404 from the hub: the hook is gone (deleted, or answered 410 once). */
function isNotFound(error: unknown): boolean {
	const e = error as { httpCode?: string; response?: { status?: number }; statusCode?: number };
	return e?.httpCode === '404' || e?.response?.status === 404 || e?.statusCode === 404;
}

/**
 * Starts a workflow the moment something happens in Visage, through a REST
 * hook: activating the workflow subscribes this node's webhook URL to the
 * event (POST /v1/hooks), deactivating unsubscribes it (DELETE
 * /v1/hooks/{id}). The hub posts `{id, type, data, item}`; the workflow gets
 * `item`, the same flat trigger item the polling trigger returns. Each
 * delivery's Standard Webhooks signature is checked with the secret the hub
 * returned for the hook, so a forged POST to the webhook URL starts nothing.
 */
export class VisageTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Visage Trigger',
		name: 'visageTrigger',
		icon: { light: 'file:../../icons/visage.svg', dark: 'file:../../icons/visage.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"]}}',
		description: 'Starts the workflow when a Visage event happens (instant, through a webhook)',
		defaults: {
			name: 'Visage Trigger',
		},
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'visageApi',
				required: true,
			},
		],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: 'onReceived',
				// Without responseData n8n answers the literal text "firstEntryJson"
				// (its default for onReceived); the hub only needs a 2xx.
				responseData: 'noData',
				path: 'webhook',
			},
		],
		properties: triggerProperties,
	};

	methods = {
		loadOptions: {
			getJobs,
		},
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as HookState;
				if (!state.hookId) return false;
				try {
					const hook = (await visageRequest(this, 'GET', `/v1/hooks/${encodeURIComponent(state.hookId)}`)) as IDataObject;
					const key = this.getNodeParameter('event') as string;
					const jobId = filtersByJob[key] ? (this.getNodeParameter('jobId', '') as string) : '';
					const filters = (hook.filters ?? {}) as IDataObject;
					if (
						hook.target_url === this.getNodeWebhookUrl('default') &&
						hook.event === hookEvents[key] &&
						(filters.job_id ?? '') === jobId
					) {
						return true;
					}
					// Subscribed to something else (the event or job was changed): replace it.
					await visageRequest(this, 'DELETE', `/v1/hooks/${encodeURIComponent(state.hookId)}`);
				} catch (error) {
					if (!isNotFound(error)) {
						throw new NodeApiError(this.getNode(), error as JsonObject);
					}
				}
				delete state.hookId;
				delete state.hookSecret;
				return false;
			},

			async create(this: IHookFunctions): Promise<boolean> {
				const key = this.getNodeParameter('event') as string;
				const body: IDataObject = {
					target_url: this.getNodeWebhookUrl('default'),
					event: hookEvents[key],
				};
				const jobId = filtersByJob[key] ? (this.getNodeParameter('jobId', '') as string) : '';
				if (jobId) body.filters = { job_id: jobId };
				const hook = (await visageRequest(this, 'POST', '/v1/hooks', { body })) as IDataObject;
				if (!hook?.id) return false;
				const state = this.getWorkflowStaticData('node') as HookState;
				state.hookId = String(hook.id);
				if (hook.secret) state.hookSecret = String(hook.secret);
				return true;
			},

			async delete(this: IHookFunctions): Promise<boolean> {
				const state = this.getWorkflowStaticData('node') as HookState;
				if (state.hookId) {
					// Repeat-safe on the hub: 204 even when already gone.
					await visageRequest(this, 'DELETE', `/v1/hooks/${encodeURIComponent(state.hookId)}`);
					delete state.hookId;
					delete state.hookSecret;
				}
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const { hookSecret } = this.getWorkflowStaticData('node') as HookState;
		if (hookSecret) {
			const req = this.getRequestObject() as unknown as {
				headers: Record<string, string | string[] | undefined>;
				rawBody?: Buffer;
			};
			if (!req.rawBody || !validSignature(hookSecret, req.headers, req.rawBody, Date.now())) {
				const res = this.getResponseObject();
				res.status(401).json({ message: 'invalid or missing webhook signature' });
				return { noWebhookResponse: true };
			}
		}
		const body = this.getBodyData() as IDataObject;
		const item = body?.item as IDataObject | undefined;
		if (!item || typeof item !== 'object') {
			// Not a Visage delivery: answer (n8n sends this only when no
			// workflow starts), but start nothing.
			return { webhookResponse: { received: false } };
		}
		return { workflowData: [this.helpers.returnJsonArray(item)] };
	}
}
