import type { IDataObject, IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { baseUrl, credentialType } from '../shared/transport';

/**
 * The file name a Content-Disposition header carries: the RFC 8187
 * `filename*` (UTF-8, percent-encoded) when present, else the quoted
 * `filename`. The hub sends both (hub/resume.ContentDisposition).
 */
export function dispositionFileName(header: string | undefined): string | undefined {
	if (!header) return undefined;
	const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(header);
	if (extended) {
		try {
			return decodeURIComponent(extended[2].trim());
		} catch {
			// A malformed percent-encoding: fall back to the plain parameter.
		}
	}
	const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/i.exec(header);
	const name = plain ? (plain[1] ?? plain[2]).trim() : '';
	return name || undefined;
}

function header(headers: IDataObject, name: string): string | undefined {
	const value = headers[name] ?? headers[name.toLowerCase()];
	return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
}

/**
 * Download Resume (GET /v1/candidates/{id}/resume), written as code rather
 * than declarative routing: n8n's declarative binaryData output names the
 * file after nothing, while the hub sends the resume's real name in
 * Content-Disposition, and a workflow that mails or stores the file needs
 * it. The item's json describes the file; the bytes go to the binary field.
 */
export async function downloadResume(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const base = await baseUrl(this);
	for (let i = 0; i < items.length; i++) {
		const candidateId = String(this.getNodeParameter('candidate_id', i));
		const property = String(this.getNodeParameter('binaryPropertyName', i));
		if (!candidateId) {
			throw new NodeOperationError(this.getNode(), 'Candidate ID is empty', { itemIndex: i });
		}
		try {
			const response = (await this.helpers.httpRequestWithAuthentication.call(this, credentialType, {
				method: 'GET',
				url: `${base}/v1/candidates/${encodeURIComponent(candidateId)}/resume`,
				encoding: 'arraybuffer',
				returnFullResponse: true,
				json: false,
			})) as { body: ArrayBuffer | Uint8Array; headers: IDataObject };
			const headers = response.headers ?? {};
			const mimeType = (header(headers, 'content-type') ?? 'application/octet-stream').split(';')[0].trim();
			const fileName = dispositionFileName(header(headers, 'content-disposition')) ?? `${candidateId}-resume`;
			const bytes = Buffer.from(response.body as ArrayBuffer);
			const data = await this.helpers.prepareBinaryData(bytes, fileName, mimeType);
			out.push({
				json: { candidate_id: candidateId, file_name: fileName, mime_type: mimeType, file_size: bytes.length },
				binary: { [property]: data },
				pairedItem: { item: i },
			});
		} catch (error) {
			if (this.continueOnFail()) {
				out.push({ json: { error: (error as Error).message }, pairedItem: { item: i } });
				continue;
			}
			throw new NodeApiError(this.getNode(), error as JsonObject, { itemIndex: i });
		}
	}
	return [out];
}
