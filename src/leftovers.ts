// After a run: nothing the run created may be left on the target. Everything it creates
// starts with the run prefix, so each listing is searched for it; what is found is
// reported and removed. A sweep that cannot read its listing is a finding too: a run
// that could not look has not shown that nothing is left.
import type { ApiClient, ApiCall } from './api-client.ts';
import { type Finding, failureFinding } from './findings.ts';
import type { PresenceMap } from './presence.ts';
import { dataOf } from './answers.ts';

interface Sweep {
  list: string;
  /** the identifying field of an item, and how to delete an item that has it */
  key: string;
  remove?: (api: ApiClient, item: Record<string, unknown>) => Promise<ApiCall>;
}

const SWEEPS: Record<'v3' | 'v4', Sweep[]> = {
  v4: [
    { list: 'v4.list_clients', key: 'clientid', remove: (api, i) => api.call('v4.kickout_client', { params: { clientid: String(i.clientid) } }) },
    { list: 'v4.list_auth_users', key: 'login', remove: (api, i) => api.call('v4.delete_auth_user', { params: { login: String(i.login) } }) },
    { list: 'v4.list_acl_rules', key: 'login', remove: (api, i) => api.call('v4.delete_acl_rule', { params: { login: String(i.login), topic: String(i.topic) } }) },
    { list: 'v4.list_rules', key: 'description', remove: (api, i) => api.call('v4.delete_rule', { params: { rule_id: String(i.id) } }) },
    { list: 'v4.list_resources', key: 'description', remove: (api, i) => api.call('v4.delete_resource', { params: { resource_id: String(i.id) } }) },
  ],
  v3: [
    { list: 'v3.list_connections', key: 'client_id', remove: (api, i) => api.call('v3.kickout_connection', { params: { clientid: String(i.client_id) } }) },
    { list: 'v3.list_banned', key: 'who', remove: (api, i) => api.call('v3.delete_banned', { params: { who: String(i.who) }, query: { as: String(i.as) } }) },
    { list: 'v3.list_rules', key: 'description', remove: (api, i) => api.call('v3.delete_rule', { params: { id: String(i.id) } }) },
    { list: 'v3.list_resources', key: 'description', remove: (api, i) => api.call('v3.delete_resource', { params: { id: String(i.id) } }) },
    { list: 'v3.list_clientid', key: 'clientid' },
    { list: 'v3.list_username', key: 'username' },
    { list: 'v3.list_users', key: 'username' },
    { list: 'v3.list_apps', key: 'app_id' },
  ],
};

export async function findLeftovers(api: ApiClient, prefix: string, presence: PresenceMap = {}): Promise<Finding[]> {
  const out: Finding[] = [];
  for (const sweep of SWEEPS[api.target.apiVersion]) {
    if (presence[sweep.list]?.present === false) continue;
    const unread = (why: string): Finding => failureFinding(sweep.list, 'semantics', `the sweep for leftovers could not read ${sweep.list}: ${why}`);
    let call: ApiCall;
    try {
      call = await api.call(sweep.list, { query: { _limit: 100000 } });
    } catch (e) {
      out.push(unread((e as Error).message));
      continue;
    }
    const data = dataOf(call);
    if (call.response.status !== 200 || !Array.isArray(data)) {
      out.push(unread(`HTTP ${call.response.status} ${call.response.text.slice(0, 80)}`));
      continue;
    }
    const left = data.filter((i): i is Record<string, unknown> => !!i && typeof i === 'object' && String((i as Record<string, unknown>)[sweep.key] ?? '').startsWith(prefix));
    for (const item of left) {
      const removed = sweep.remove ? await sweep.remove(api, item).then((c) => c.response.status === 200, () => false) : false;
      out.push(failureFinding(sweep.list, 'semantics', `left on the target after the run: ${sweep.key} ${String(item[sweep.key])} (${removed ? 'removed now' : 'could not remove it'})`));
    }
  }
  return out;
}
