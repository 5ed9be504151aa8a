/** The configuration files of the cluster's daemons, written fresh on every start from its ports and folders. */

export function pgHba(): string {
  return [
    '# The owner role signs in from this machine without a password, as the machine PostgreSQL of a laptop does;',
    '# the application role with its password, which PgBouncer must present on its behalf.',
    'local all all trust',
    'host all postgres 127.0.0.1/32 trust',
    'host replication postgres 127.0.0.1/32 trust',
    'host all all 127.0.0.1/32 scram-sha-256',
    '',
  ].join('\n');
}

export function pgbouncerIni(o: { port: number; primaryPort: number; database: string; authFile: string }): string {
  return `[databases]
${o.database} = host=127.0.0.1 port=${o.primaryPort} dbname=${o.database}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${o.port}
unix_socket_dir =
auth_type = scram-sha-256
auth_file = ${o.authFile}
; A server connection serves one transaction, then another client: every tenant setting is
; set_config(..., true), local to its transaction, so none leaks to the next client.
pool_mode = transaction
default_pool_size = 20
max_client_conn = 2000
`;
}

/** PgBouncer's user list: the application role and its password, in PgBouncer's quoted format. */
export function pgbouncerUsers(role: string, password: string): string {
  const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;
  return `${quote(role)} ${quote(password)}\n`;
}

export function haproxyCfg(o: { port: number; statsPort: number; apiPorts: number[] }): string {
  const servers = o.apiPorts.map((port, i) => `  server api${i + 1} 127.0.0.1:${port} check`).join('\n');
  const pins = o.apiPorts.map((_, i) => `  use-server api${i + 1} if { req.hdr(x-cluster-node) -m str api${i + 1} }`).join('\n');
  return `global
  maxconn 4000
  log stderr format raw daemon

defaults
  mode http
  # Only failed requests are logged (to logs/haproxy.log), with HAProxy's reason for each.
  log global
  option httplog
  option dontlog-normal
  option forwardfor
  # Browsers open connections before they have a request to send on them: one still idle when
  # timeout http-request ends is closed quietly, not answered 408, which no client asked for.
  option http-ignore-probes
  timeout connect 2s
  timeout http-request 10s
  timeout queue 5s
  # Live progress streams stay open for minutes and carry a heartbeat every 15 s: inactivity, not
  # length, ends a connection.
  timeout client 60s
  timeout server 60s
  # A request whose connection to a node failed never reached it: safe to send to the other node,
  # even a POST. A request that reached a node is never sent twice.
  retries 2
  retry-on conn-failure
  option redispatch 1

frontend api
  bind 127.0.0.1:${o.port}
  default_backend api

backend api
  balance roundrobin
  option httpchk GET /readyz
  http-check expect status 200
  default-server inter 500ms fall 2 rise 2
  # Which node answered, and a way to choose one (the cluster tests use both); a node marked down
  # is skipped even when asked for.
${pins}
  http-response set-header X-Served-By %[srv_name]
${servers}

frontend stats
  bind 127.0.0.1:${o.statsPort}
  stats enable
  stats uri /stats
  stats refresh 5s
`;
}

export function nginxConf(o: { port: number; balancerPort: number; dir: string; user?: string }): string {
  return `${o.user ? `user ${o.user};\n` : ''}worker_processes 1;
pid ${o.dir}/nginx.pid;
error_log stderr warn;
events { worker_connections 2048; }

http {
  access_log off;
  client_body_temp_path ${o.dir}/client-body;
  proxy_temp_path ${o.dir}/proxy-temp;
  fastcgi_temp_path ${o.dir}/fastcgi-temp;
  uwsgi_temp_path ${o.dir}/uwsgi-temp;
  scgi_temp_path ${o.dir}/scgi-temp;
  client_max_body_size 100m;

  # The CDN edge: it keeps what the origin's Cache-Control allows and nothing else (no
  # proxy_cache_valid), so the API's own headers decide; responses setting a cookie are never kept.
  proxy_cache_path ${o.dir}/cache levels=1:2 keys_zone=edge:10m max_size=256m inactive=7d use_temp_path=off;

  upstream balancer {
    server 127.0.0.1:${o.balancerPort};
    keepalive 32;
  }

  server {
    listen 127.0.0.1:${o.port};
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_request_buffering off;

    location / {
      proxy_pass http://balancer;
      proxy_cache edge;
      proxy_cache_lock on;
      add_header X-Cache-Status $upstream_cache_status always;
    }

    # Progress streams go out event by event, never held in a buffer or a cache.
    location ~ ^/api/analyses/[^/]+/events$ {
      proxy_pass http://balancer;
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
  }
}
`;
}
