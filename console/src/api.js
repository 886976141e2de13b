// The gateway's Connect-protocol JSON: POST /<package>.<Service>/<Method> with the API key in
// x-api-key (and x-tenant-id when a service key acts for a tenant). Kept in sessionStorage so
// it goes away with the tab.
const KEY = 'clienttier.console.apiKey';
const TENANT = 'clienttier.console.tenant';

export const Services = {
  scoring: 'clienttier.scoring.v1.ScoringService',
  campaign: 'clienttier.campaign.v1.CampaignService',
  profile: 'clienttier.profile.v1.ClientProfileService',
  referral: 'clienttier.referral.v1.ReferralService',
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function session() {
  const apiKey = sessionStorage.getItem(KEY);
  return apiKey ? { apiKey, tenant: sessionStorage.getItem(TENANT) || '' } : null;
}

export function signIn(apiKey, tenant) {
  sessionStorage.setItem(KEY, apiKey);
  if (tenant) {
    sessionStorage.setItem(TENANT, tenant);
  } else {
    sessionStorage.removeItem(TENANT);
  }
}

export function signOut() {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(TENANT);
}

function headers() {
  const current = session();
  const result = { 'Content-Type': 'application/json' };
  if (current) {
    result['x-api-key'] = current.apiKey;
    if (current.tenant) {
      result['x-tenant-id'] = current.tenant;
    }
  }
  return result;
}

async function failure(response) {
  let code = 'unknown';
  let message = response.statusText;
  try {
    const body = await response.json();
    code = body.code || code;
    message = body.message || message;
  } catch (_) {
    // not Connect error JSON (a proxy's page): keep the status text
  }
  return new ApiError(response.status, code, message);
}

// One unary call; the response message as an object.
export async function call(service, method, request = {}) {
  const response = await fetch(`/${Services[service]}/${method}`, {
    method: 'POST',
    headers: headers(),
    body: JSON.stringify(request),
  });
  if (!response.ok) {
    throw await failure(response);
  }
  return response.json();
}

// A server-streaming call read as NDJSON; calls onMessage for each message and stops once it
// returns false (the rest is cancelled).
export async function stream(service, method, request, onMessage) {
  const controller = new AbortController();
  const response = await fetch(`/${Services[service]}/${method}`, {
    method: 'POST',
    headers: headers(),
    body: JSON.stringify(request),
    signal: controller.signal,
  });
  if (!response.ok) {
    throw await failure(response);
  }
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    pending += decoder.decode(value || new Uint8Array(), { stream: !done });
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (!line) {
        continue;
      }
      const message = JSON.parse(line);
      if (message.error) {
        throw new ApiError(200, message.error.code, message.error.message);
      }
      if (onMessage(message) === false) {
        controller.abort();
        return;
      }
    }
    if (done) {
      return;
    }
  }
}

// The segment's consenting members as a CSV file: fetched with the key (a link cannot carry
// the header), then handed to the browser as a download.
export async function downloadSegmentCsv(segmentId, channel) {
  const current = session();
  const response = await fetch(
    `/v1/segments/${encodeURIComponent(segmentId)}/members.csv?channel=${encodeURIComponent(channel)}`,
    { headers: { 'x-api-key': current.apiKey, ...(current.tenant ? { 'x-tenant-id': current.tenant } : {}) } });
  if (!response.ok) {
    throw await failure(response);
  }
  const blob = await response.blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = `${segmentId}-members.csv`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  return blob.size;
}

// Which RPCs this gateway offers (from /openapi.json), so pages for RPCs still to come can
// appear by themselves once the services have them.
let operations = null;
export async function offers(service, method) {
  if (!operations) {
    const response = await fetch('/openapi.json');
    operations = response.ok ? Object.keys((await response.json()).paths || {}) : [];
  }
  return operations.includes(`/${Services[service]}/${method}`);
}
