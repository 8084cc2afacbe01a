{{/*
Helpers shared by every template. Most take a dict: (dict "root" $ "name" $name "svc" $svc),
where $name is a key of .Values.services and $svc its values.
*/}}

{{- define "tandem.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tandem.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "tandem.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The name of one service's resources: <fullname>-<service>. */}}
{{- define "tandem.serviceName" -}}
{{- printf "%s-%s" (include "tandem.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels on every resource; (dict "root" $ "component" "matching"). */}}
{{- define "tandem.labels" -}}
helm.sh/chart: {{ include "tandem.chart" .root }}
{{ include "tandem.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: tandem
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels; immutable once deployed, so keep them few. */}}
{{- define "tandem.selectorLabels" -}}
app.kubernetes.io/name: {{ include "tandem.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "tandem.serviceAccountName" -}}
{{- if .root.Values.serviceAccount.create -}}
{{- include "tandem.serviceName" . -}}
{{- else -}}
default
{{- end -}}
{{- end -}}

{{/* registry/repository:tag@digest of one service's image. */}}
{{- define "tandem.image" -}}
{{- $img := .svc.image -}}
{{- $repo := $img.repository -}}
{{- with .root.Values.image.registry }}{{ $repo = printf "%s/%s" (trimSuffix "/" .) $repo }}{{ end -}}
{{- $tag := $img.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- if $img.digest -}}
{{- printf "%s:%s@%s" $repo $tag $img.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo $tag -}}
{{- end -}}
{{- end -}}

{{/* Verify tokens with a public key Secret (and not JWKS)? */}}
{{- define "tandem.usesPublicKey" -}}
{{- if and (not .Values.auth.jwksUrl) .Values.auth.publicKey.existingSecret -}}true{{- end -}}
{{- end -}}

{{/* Neither JWKS nor a public key: each pod makes a development key pair (never in production). */}}
{{- define "tandem.usesDevKeys" -}}
{{- if and (not .Values.auth.jwksUrl) (not .Values.auth.publicKey.existingSecret) -}}true{{- end -}}
{{- end -}}

{{- define "tandem.kafkaSecurityProtocol" -}}
{{- if .Values.kafka.sasl.enabled -}}
{{- ternary "SASL_SSL" "SASL_PLAINTEXT" .Values.kafka.tls -}}
{{- else if .Values.kafka.tls -}}
SSL
{{- end -}}
{{- end -}}

{{/* The settings every Tandem container reads (the migration jobs use the database part). */}}
{{- define "tandem.databaseEnv" -}}
- name: TANDEM_ENV
  value: {{ .root.Values.environment | quote }}
- name: TANDEM_SERVICE_NAME
  value: {{ .name | quote }}
- name: TANDEM_LOG_LEVEL
  value: {{ .root.Values.logLevel | quote }}
- name: TANDEM_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .root.Values.postgresql.existingSecret | quote }}
      key: {{ .svc.database.secretKey | quote }}
{{- end -}}

{{/* A service container's env: the chart's settings, then the service's `env` and
`secretEnv`; a name given twice keeps its last definition (so `env` overrides the chart). */}}
{{- define "tandem.env" -}}
{{- $items := include "tandem.envItems" . | fromYamlArray -}}
{{- $seen := dict -}}
{{- $out := list -}}
{{- range reverse $items -}}
{{- if not (hasKey $seen .name) -}}
{{- $_ := set $seen .name true -}}
{{- $out = prepend $out . -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{- define "tandem.envItems" -}}
{{- $v := .root.Values -}}
{{ include "tandem.databaseEnv" . }}
- name: TANDEM_DATABASE_POOL_MAX
  value: {{ .svc.database.poolMax | quote }}
- name: TANDEM_HTTP_HOST
  value: "0.0.0.0"
- name: TANDEM_HTTP_PORT
  value: {{ .svc.port | quote }}
- name: TANDEM_KAFKA_BOOTSTRAP
  value: {{ $v.kafka.bootstrapServers | quote }}
{{- with $v.kafka.topicPrefix }}
- name: TANDEM_TOPIC_PREFIX
  value: {{ . | quote }}
{{- end }}
{{- with include "tandem.kafkaSecurityProtocol" .root }}
- name: TANDEM_KAFKA_SECURITY_PROTOCOL
  value: {{ . | quote }}
{{- end }}
{{- if $v.kafka.sasl.enabled }}
- name: TANDEM_KAFKA_SASL_MECHANISM
  value: {{ $v.kafka.sasl.mechanism | quote }}
- name: TANDEM_KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ $v.kafka.sasl.existingSecret | quote }}
      key: {{ $v.kafka.sasl.usernameKey | quote }}
- name: TANDEM_KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $v.kafka.sasl.existingSecret | quote }}
      key: {{ $v.kafka.sasl.passwordKey | quote }}
{{- end }}
- name: TANDEM_READY_MAX_LAG
  value: {{ $v.readyMaxLag | quote }}
- name: TANDEM_JWT_ISSUER
  value: {{ $v.auth.issuer | quote }}
- name: TANDEM_JWT_AUDIENCE
  value: {{ $v.auth.audience | quote }}
{{- if $v.auth.jwksUrl }}
- name: TANDEM_JWT_JWKS_URL
  value: {{ $v.auth.jwksUrl | quote }}
{{- else if include "tandem.usesPublicKey" .root }}
- name: TANDEM_JWT_PUBLIC_KEY_FILE
  value: /etc/tandem/jwt/{{ $v.auth.publicKey.key }}
{{- else }}
- name: TANDEM_DEV_KEYS_DIR
  value: /var/lib/tandem/dev-keys
{{- end }}
{{- if $v.otel.endpoint }}
- name: OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $v.otel.endpoint | quote }}
{{- end }}
- name: OTEL_SERVICE_NAME
  value: {{ printf "tandem-%s" .name | quote }}
{{- $attrs := printf "service.namespace=tandem,deployment.environment.name=%s,k8s.namespace.name=%s" $v.environment .root.Release.Namespace }}
{{- with $v.otel.resourceAttributes }}{{ $attrs = printf "%s,%s" $attrs . }}{{ end }}
- name: OTEL_RESOURCE_ATTRIBUTES
  value: {{ $attrs | quote }}
{{- range $name, $value := .svc.env }}
- name: {{ $name }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- range $name, $ref := .svc.secretEnv }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.secretName | quote }}
      key: {{ $ref.key | quote }}
{{- end }}
{{- end -}}

{{/* Refuse values that would deploy something broken or unsafe; runs once per render. */}}
{{- define "tandem.validate" -}}
{{- $v := .Values -}}
{{- if and (eq $v.environment "production") (include "tandem.usesDevKeys" .) -}}
{{- fail "environment=production needs auth.jwksUrl or auth.publicKey.existingSecret: the services refuse development keys in production" -}}
{{- end -}}
{{- if and $v.kafka.sasl.enabled (not $v.kafka.sasl.existingSecret) -}}
{{- fail "kafka.sasl.enabled needs kafka.sasl.existingSecret (the chart never holds credentials)" -}}
{{- end -}}
{{- range $name, $svc := $v.services -}}
{{- if and $svc.enabled $svc.autoscaling.enabled (gt (int $svc.autoscaling.minReplicas) (int $svc.autoscaling.maxReplicas)) -}}
{{- fail (printf "services.%s.autoscaling: minReplicas is above maxReplicas" $name) -}}
{{- end -}}
{{- range $env := concat (keys $svc.env) (keys $svc.secretEnv) -}}
{{- if not (or (hasPrefix "TANDEM_" $env) (hasPrefix "OTEL_" $env)) -}}
{{- fail (printf "services.%s: %s is not a Tandem setting (TANDEM_*) or an OpenTelemetry variable (OTEL_*)" $name $env) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* NetworkPolicy egress rules; each takes the root context. An empty peer list means any
destination on the port: narrow it with the *.networkPolicyPeers values. */}}
{{- define "tandem.egressRule" -}}
{{- if .peers -}}
- to:
    {{- toYaml .peers | nindent 4 }}
  ports:
{{- else -}}
- ports:
{{- end }}
    {{- range .ports }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
{{- end -}}

{{- define "tandem.egressDns" -}}
- to:
    {{- toYaml .Values.networkPolicy.dnsPeers | nindent 4 }}
  ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
{{- end -}}

{{- define "tandem.egressPostgres" -}}
{{ include "tandem.egressRule" (dict "peers" .Values.postgresql.networkPolicyPeers "ports" (list .Values.postgresql.port)) }}
{{- end -}}

{{- define "tandem.egressKafka" -}}
{{ include "tandem.egressRule" (dict "peers" .Values.kafka.networkPolicyPeers "ports" .Values.kafka.ports) }}
{{- end -}}

{{- define "tandem.egressOtel" -}}
{{- if .Values.otel.endpoint -}}
{{ include "tandem.egressRule" (dict "peers" .Values.otel.networkPolicyPeers "ports" (list .Values.otel.port)) }}
{{- end -}}
{{- end -}}
