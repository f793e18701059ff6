import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * An API key of a Visage account and the hub it belongs to. Every request
 * carries the key in the X-API-Key header; the connection test asks the hub
 * who the key acts for (GET /v1/me), which fails with 401 for a wrong or
 * revoked key.
 */
export class VisageApi implements ICredentialType {
	name = 'visageApi';

	displayName = 'Visage API';

	icon: Icon = { light: 'file:../icons/visage.svg', dark: 'file:../icons/visage.dark.svg' };

	documentationUrl = 'https://github.com/visage-jobs/visage-hub/tree/main/integrations/n8n#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'vsk_…',
			description: 'An API key from Settings > Visage API in Visage; it starts with vsk_',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'http://127.0.0.1:8080',
			required: true,
			placeholder: 'https://hub.example.com',
			description: 'Where your Visage hub answers, without a trailing slash',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				'X-API-Key': '={{$credentials.apiKey}}',
			},
		},
	};

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/me',
		},
	};
}
