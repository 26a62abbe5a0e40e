// The rule engine's catalogues as a real EMQX 4.4.19 lists them (GET /api/v4/actions,
// /resource_types/web_hook, /rule_events, observed), kept as data: apps/emqx_rule_engine/src/
// emqx_rule_actions.erl, emqx_rule_events.erl and apps/emqx_web_hook/src/emqx_web_hook_actions.erl
// declare them. state/rules.ts picks what the emulated release has (versions.ts).

type Spec = Record<string, unknown>;

/** Action definitions without their params (those follow per action). */
export const ACTIONS_4_4_19: Record<'inspect' | 'do_nothing' | 'republish' | 'data_to_webserver', { meta: Spec; params: Record<string, Spec> }> = {
  inspect: {
    meta: {"types": [], "title": {"zh": "检查 (调试)", "en": "Inspect (debug)"}, "name": "inspect", "for": "$any", "description": {"zh": "检查动作参数 (用以调试)", "en": "Inspect the details of action params for debug purpose"}, "category": "debug", "app": "emqx_rule_engine"},
    params: {
    },
  },
  do_nothing: {
    meta: {"types": [], "title": {"zh": "空动作 (调试)", "en": "Do Nothing (debug)"}, "name": "do_nothing", "for": "$any", "description": {"zh": "此动作什么都不做，并且不会失败 (用以调试)", "en": "This action does nothing and never fails. It's for debug purpose"}, "category": "debug", "app": "emqx_rule_engine"},
    params: {
    },
  },
  republish: {
    meta: {"types": [], "title": {"zh": "消息重新发布", "en": "Republish"}, "name": "republish", "for": "$any", "description": {"zh": "重新发布消息到另一个主题", "en": "Republish a MQTT message to another topic"}, "category": "data_forward", "app": "emqx_rule_engine"},
    params: {
      "target_topic": {"type": "string", "title": {"zh": "目的主题", "en": "Target Topic"}, "required": true, "order": 1, "description": {"zh": "重新发布消息到哪个主题", "en": "To which topic the message will be republished"}, "default": "repub/to/${clientid}"},
      "target_retain": {"type": ["boolean", "string"], "title": {"zh": "目标保留消息标识", "en": "Target Retain"}, "required": false, "order": 3, "input": "editable_select", "enum": [true, false, "${flags.retain}"], "description": {"zh": "重新发布消息时用的保留消息标识。支持占位符变量，可以填写 ${flags.retain} 来使用原消息的 Retain。默认 false", "en": "The Retain flag to be used when republishing the message. Set to ${flags.retain} to use the original Retain. Support placeholder variables. Default is false"}, "default": false},
      "target_qos": {"type": ["number", "string"], "title": {"zh": "目的 QoS", "en": "Target QoS"}, "required": true, "order": 2, "input": "editable_select", "enum": [0, 1, 2, "${qos}"], "description": {"zh": "重新发布消息时用的 QoS 级别。支持占位符变量，可以填写 ${qos} 来使用原消息的 QoS。默认 0", "en": "The QoS Level to be used when republishing the message. Support placeholder variables. Set to ${qos} to use the original QoS. Default is 0"}, "default": 0},
      "payload_tmpl": {"type": "string", "title": {"zh": "消息内容模板", "en": "Payload Template"}, "required": false, "order": 4, "input": "textarea", "description": {"zh": "消息内容模板，支持变量", "en": "The payload template, variable interpolation is supported"}, "default": "${payload}"},
    },
  },
  data_to_webserver: {
    meta: {"types": ["web_hook"], "title": {"zh": "发送数据到 Web 服务", "en": "Data to Web Server"}, "name": "data_to_webserver", "for": "$any", "description": {"zh": "将数据转发给 Web 服务", "en": "Forward Messages to Web Server"}, "category": "data_forward", "app": "emqx_web_hook"},
    params: {
      "path": {"type": "string", "title": {"zh": "Path", "en": "Path"}, "required": false, "order": 2, "description": {"zh": "URL 的路径部分，支持使用 ${Var} 获取规则输出的字段值。\n", "en": "The path part of the URL, support using ${Var} to get the field value output by the rule."}, "default": ""},
      "method": {"type": "string", "title": {"zh": "Method", "en": "Method"}, "order": 1, "enum": ["POST", "DELETE", "PUT", "GET"], "description": {"zh": "HTTP Method。\n注意：当方法为 GET 或 DELETE 时，动作中的 Body 选项会被忽略。", "en": "HTTP Method.\nNote that: the Body option in the Action will be discarded in case of GET or DELETE method."}, "default": "POST"},
      "headers": {"type": "object", "title": {"zh": "Headers", "en": "Headers"}, "schema": {}, "order": 3, "description": {"zh": "HTTP headers。", "en": "HTTP headers."}, "default": {"content-type": "application/json"}},
      "body": {"type": "string", "title": {"zh": "Body", "en": "Body"}, "required": false, "order": 4, "input": "textarea", "description": {"zh": "HTTP 请求体，支持使用 ${Var} 获取规则输出的字段值\n默认 HTTP 请求体的内容为规则输出的所有字段的键和值构成的 JSON 字符串。", "en": "The HTTP body supports the use of ${Var} to obtain the field value output by the rule.\nThe content of the default HTTP request body is a JSON string composed of the keys and values of all fields output by the rule."}, "default": ""},
      "$resource": {"type": "string", "title": {"zh": "资源 ID", "en": "Resource ID"}, "required": true, "order": 0, "description": {"zh": "给动作绑定一个资源", "en": "Bind a resource to this action"}},
    },
  },
};

/** The web_hook resource type: its params are the pooled HTTP client's (4.3+). */
export const WEB_HOOK_RESOURCE_TYPE_4_4_19: { meta: Spec; params: Record<string, Spec> } = {
  meta: {"title": {"zh": "WebHook", "en": "WebHook"}, "provider": "emqx_web_hook", "name": "web_hook", "description": {"zh": "WebHook", "en": "WebHook"}},
  params: {
    "verify": {"type": "boolean", "title": {"zh": "校验服务器证书", "en": "Verify Server Certfile"}, "order": 9, "description": {"zh": "是否校验服务器证书。 默认客户端不会去校验服务器的证书，如果需要校验，请设置成true。", "en": "Whether to verify the server certificate. By default, the client will not verify the server's certificate. If verification is required, please set it to true."}, "default": false},
    "url": {"type": "string", "title": {"zh": "请求 URL", "en": "Request URL"}, "required": true, "order": 1, "format": "url", "description": {"zh": "用于接收 Webhook 请求的服务器的 URL。", "en": "The URL of the server that will receive the Webhook requests."}},
    "server_name_indication": {"type": "string", "title": {"zh": "服务器名称指示", "en": "Server Name Indication"}, "order": 10, "description": {"zh": "指定用于对端证书验证时使用的主机名，或者设置为 disable 以关闭此项验证。", "en": "Specify the hostname used for peer certificate verification, or set to disable to turn off this verification."}},
    "request_timeout": {"type": "string", "title": {"zh": "请求超时时间", "en": "Request Timeout"}, "order": 3, "description": {"zh": "请求超时时间", "en": "Request Timeout In Seconds"}, "default": "5s"},
    "pool_size": {"type": "number", "title": {"zh": "连接池大小", "en": "Pool Size"}, "order": 4, "description": {"zh": "连接池大小", "en": "Connection Pool"}, "default": 8},
    "keyfile": {"type": "file", "title": {"zh": "SSL Key", "en": "SSL Key"}, "order": 7, "description": {"zh": "SSL 私钥", "en": "Your ssl keyfile"}, "default": ""},
    "enable_pipelining": {"type": "boolean", "title": {"zh": "开启 Pipelining", "en": "Enable Pipelining"}, "order": 5, "description": {"zh": "是否开启 HTTP Pipelining", "en": "Whether to enable HTTP Pipelining"}, "default": true},
    "connect_timeout": {"type": "string", "title": {"zh": "连接超时时间", "en": "Connect Timeout"}, "order": 2, "description": {"zh": "连接超时时间", "en": "Connect Timeout In Seconds"}, "default": "5s"},
    "certfile": {"type": "file", "title": {"zh": "SSL Cert", "en": "SSL Cert"}, "order": 8, "description": {"zh": "SSL 证书", "en": "Your ssl certfile"}, "default": ""},
    "cacertfile": {"type": "file", "title": {"zh": "CA 证书文件", "en": "CA Certificate File"}, "order": 6, "description": {"zh": "CA 证书文件", "en": "CA Certificate file"}, "default": ""},
  },
};

/** emqx_rule_events:event_info/0 of 4.4.19, in its order. */
export const RULE_EVENTS_4_4_19: Spec[] = [
  {"title": {"zh": "消息发布", "en": "message publish"}, "test_columns": {"username": "u_emqx", "topic": "t/a", "qos": 1, "payload": "{\"msg\": \"hello\"}", "clientid": "c_emqx"}, "sql_example": "SELECT payload.msg as msg FROM \"t/#\" WHERE msg = 'hello'", "event": "$events/message_publish", "description": {"zh": "消息发布", "en": "message publish"}, "columns": ["event", "id", "clientid", "username", "payload", "peerhost", "topic", "qos", "flags", "publish_received_at", "pub_props", "timestamp", "node"]},
  {"title": {"zh": "消息已投递", "en": "message delivered"}, "test_columns": {"username": "u_emqx_2", "topic": "t/a", "qos": 1, "payload": "{\"msg\": \"hello\"}", "from_username": "u_emqx_1", "from_clientid": "c_emqx_1", "clientid": "c_emqx_2"}, "sql_example": "SELECT * FROM \"$events/message_delivered\" WHERE topic =~ 't/#'", "event": "$events/message_delivered", "description": {"zh": "消息已投递", "en": "message delivered"}, "columns": ["event", "id", "from_clientid", "from_username", "clientid", "username", "payload", "peerhost", "topic", "qos", "flags", "publish_received_at", "pub_props", "timestamp", "node"]},
  {"title": {"zh": "消息应答", "en": "message acked"}, "test_columns": {"username": "u_emqx_2", "topic": "t/a", "qos": 1, "payload": "{\"msg\": \"hello\"}", "from_username": "u_emqx_1", "from_clientid": "c_emqx_1", "clientid": "c_emqx_2"}, "sql_example": "SELECT * FROM \"$events/message_acked\" WHERE topic =~ 't/#'", "event": "$events/message_acked", "description": {"zh": "消息应答", "en": "message acked"}, "columns": ["event", "id", "from_clientid", "from_username", "clientid", "username", "payload", "peerhost", "topic", "qos", "flags", "publish_received_at", "pub_props", "puback_props", "timestamp", "node"]},
  {"title": {"zh": "消息转发丢弃", "en": "message routing-drop"}, "test_columns": {"username": "u_emqx", "topic": "t/a", "reason": "no_subscribers", "qos": 1, "payload": "{\"msg\": \"hello\"}", "clientid": "c_emqx"}, "sql_example": "SELECT * FROM \"$events/message_dropped\" WHERE topic =~ 't/#'", "event": "$events/message_dropped", "description": {"zh": "消息在转发的过程中被丢弃，一般是由于没有订阅者", "en": "messages are discarded during forwarding, usually because there are no subscribers"}, "columns": ["event", "id", "reason", "clientid", "username", "payload", "peerhost", "topic", "qos", "flags", "publish_received_at", "pub_props", "timestamp", "node"]},
  {"title": {"zh": "消息投递丢弃", "en": "message delivery-drop"}, "test_columns": {"username": "u_emqx_2", "topic": "t/a", "reason": "queue_full", "qos": 1, "payload": "{\"msg\": \"hello\"}", "from_username": "u_emqx_1", "from_clientid": "c_emqx_1", "clientid": "c_emqx_2"}, "sql_example": "SELECT * FROM \"$events/delivery_dropped\" WHERE topic =~ 't/#'", "event": "$events/delivery_dropped", "description": {"zh": "消息在投递的过程中被丢弃，比如由于消息队列已满", "en": "messages are discarded during delivery, i.e. because the message queue is full"}, "columns": ["event", "id", "reason", "from_clientid", "from_username", "clientid", "username", "payload", "peerhost", "topic", "qos", "flags", "publish_received_at", "timestamp", "node"]},
  {"title": {"zh": "连接建立", "en": "client connected"}, "test_columns": {"username": "u_emqx", "peername": "127.0.0.1:52918", "clientid": "c_emqx"}, "sql_example": "SELECT * FROM \"$events/client_connected\"", "event": "$events/client_connected", "description": {"zh": "连接建立", "en": "client connected"}, "columns": ["event", "clientid", "username", "mountpoint", "peername", "sockname", "proto_name", "proto_ver", "keepalive", "clean_start", "expiry_interval", "is_bridge", "connected_at", "conn_props", "timestamp", "node"]},
  {"title": {"zh": "连接断开", "en": "client disconnected"}, "test_columns": {"username": "u_emqx", "reason": "normal", "clientid": "c_emqx"}, "sql_example": "SELECT * FROM \"$events/client_disconnected\" WHERE topic =~ 't/#'", "event": "$events/client_disconnected", "description": {"zh": "连接断开", "en": "client disconnected"}, "columns": ["event", "reason", "clientid", "username", "peername", "sockname", "proto_name", "proto_ver", "disconnected_at", "disconn_props", "timestamp", "node"]},
  {"title": {"zh": "连接确认", "en": "client connack"}, "test_columns": {"username": "u_emqx", "reason_code": "sucess", "clientid": "c_emqx"}, "sql_example": "SELECT * FROM \"$events/client_connack\"", "event": "$events/client_connack", "description": {"zh": "连接确认", "en": "client connack"}, "columns": ["event", "reason_code", "clientid", "username", "peername", "sockname", "proto_name", "proto_ver", "keepalive", "clean_start", "expiry_interval", "connected_at", "conn_props", "timestamp", "node"]},
  {"title": {"zh": "会话订阅完成", "en": "session subscribed"}, "test_columns": {"username": "u_emqx", "topic": "t/a", "qos": 1, "clientid": "c_emqx"}, "sql_example": "SELECT * FROM \"$events/session_subscribed\" WHERE topic =~ 't/#'", "event": "$events/session_subscribed", "description": {"zh": "会话订阅完成", "en": "session subscribed"}, "columns": ["event", "clientid", "username", "peerhost", "topic", "qos", "sub_props", "timestamp", "node"]},
  {"title": {"zh": "会话取消订阅完成", "en": "session unsubscribed"}, "test_columns": {"username": "u_emqx", "topic": "t/a", "qos": 1, "clientid": "c_emqx"}, "sql_example": "SELECT * FROM \"$events/session_unsubscribed\" WHERE topic =~ 't/#'", "event": "$events/session_unsubscribed", "description": {"zh": "会话取消订阅完成", "en": "session unsubscribed"}, "columns": ["event", "clientid", "username", "peerhost", "topic", "qos", "unsub_props", "timestamp", "node"]},
  {"title": {"zh": "鉴权结果", "en": "client check acl complete"}, "test_columns": {"username": "u_emqx", "topic": "t/1", "result": "allow", "clientid": "c_emqx", "action": "publish"}, "sql_example": "SELECT * FROM \"$events/client_check_acl_complete\"", "event": "$events/client_check_acl_complete", "description": {"zh": "鉴权结果", "en": "client check acl complete"}, "columns": ["event", "clientid", "username", "peerhost", "topic", "action", "is_cache", "result", "timestamp", "node"]},
];
