import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INodePropertyOptions,
	IPollFunctions,
} from 'n8n-workflow';

/** Any n8n context that can make authenticated requests. */
export type VisageContext = IExecuteFunctions | IHookFunctions | ILoadOptionsFunctions | IPollFunctions;

/** The credential type every Visage node uses. */
export const credentialType = 'visageApi';

/** The hub's base URL from the credential, without a trailing slash. */
export async function baseUrl(ctx: VisageContext): Promise<string> {
	const credentials = await ctx.getCredentials(credentialType);
	return String(credentials.baseUrl ?? '').replace(/\/+$/, '');
}

/**
 * Calls the hub with the credential's API key. Errors (4xx problem
 * documents, 5xx) throw, carrying the hub's answer, so a node shows the
 * hub's own message.
 */
export async function visageRequest(
	ctx: VisageContext,
	method: IHttpRequestMethods,
	path: string,
	options: Partial<IHttpRequestOptions> = {},
): Promise<unknown> {
	const request: IHttpRequestOptions = {
		method,
		url: (await baseUrl(ctx)) + path,
		json: true,
		headers: { Accept: 'application/json' },
		...options,
	};
	return await ctx.helpers.httpRequestWithAuthentication.call(ctx, credentialType, request);
}

/**
 * The account's open jobs for job dropdowns (GET /v1/meta/options/jobs,
 * a bare array of {label, value}).
 */
export async function getJobs(this: ILoadOptionsFunctions): Promise<INodePropertyOptions[]> {
	const options = (await visageRequest(this, 'GET', '/v1/meta/options/jobs')) as IDataObject[];
	return (options ?? []).map((o) => ({ name: String(o.label), value: String(o.value) }));
}
