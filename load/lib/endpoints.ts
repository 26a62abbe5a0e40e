// The catalog endpoints the k6 scenarios call, by catalog id. The catalog stays the one list
// of endpoints: `npm run gen` copies these entries (method, path, pagination) and compiles
// their response schemas into load/generated/contract.js, which is what k6 reads.
export const LOAD_ENDPOINTS = [
  'v4.mqtt_publish_batch',
  'v4.list_clients',
  'v4.list_subscriptions',
  'v4.list_routes',
  'v4.lookup_client',
  'v4.lookup_client_subscriptions',
  'v4.lookup_routes',
  'v4.lookup_node_stats',
  'v3.mqtt_publish',
  'v3.list_connections',
  'v3.list_sessions',
  'v3.list_subscriptions',
  'v3.list_routes',
  'v3.lookup_connections',
  'v3.lookup_client_subscriptions',
  'v3.lookup_routes',
] as const;

export type LoadEndpointId = (typeof LOAD_ENDPOINTS)[number];
