{{/* Chart name, truncated to the 63 characters a label value allows. */}}
{{- define "cluster-mcp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: the release name, plus the chart name unless the release name already contains it. */}}
{{- define "cluster-mcp.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "cluster-mcp.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "cluster-mcp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cluster-mcp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "cluster-mcp.labels" -}}
helm.sh/chart: {{ include "cluster-mcp.chart" . }}
{{ include "cluster-mcp.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cluster-mcp
{{- end }}

{{- define "cluster-mcp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "cluster-mcp.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "cluster-mcp.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/* The Secret holding credentials: the existing one, or the one this chart creates. */}}
{{- define "cluster-mcp.secretName" -}}
{{- default (include "cluster-mcp.fullname" .) .Values.secret.existingSecret }}
{{- end }}

{{/* Secret keys the configuration references, in a stable order (one per line). */}}
{{- define "cluster-mcp.secretKeys" -}}
{{- if eq .Values.server.auth.mode "bearer" }}
bearer-tokens
{{ end }}
{{- if .Values.metrics.requireToken }}
metrics-token
{{ end }}
{{- range $b := list "prometheus" "alertmanager" "loki" "ntfy" }}
{{- $cfg := index $.Values.backends $b }}
{{- if and $cfg.url (eq $cfg.auth "bearer") }}
{{ $b }}-token
{{ end }}
{{- if and $cfg.url (eq $cfg.auth "basic") }}
{{ $b }}-password
{{ end }}
{{- end }}
{{- end }}

{{/* Public URL of the MCP endpoint, when it can be known. */}}
{{- define "cluster-mcp.resourceUrl" -}}
{{- if .Values.server.auth.resourceUrl }}
{{- .Values.server.auth.resourceUrl }}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts }}
{{- printf "%s://%s/mcp" (ternary "https" "http" .Values.ingress.tls.enabled) (first .Values.ingress.hosts) }}
{{- end }}
{{- end }}

{{/*
Host headers the server accepts: the ingress hosts, the Service's DNS names, localhost (kubectl port-forward),
and extras. Accepting "localhost" does not weaken DNS-rebinding protection: a rebound page sends its own name.
*/}}
{{- define "cluster-mcp.allowedHosts" -}}
{{- $svc := include "cluster-mcp.fullname" . }}
{{- $ns := .Release.Namespace }}
{{- $hosts := list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns) "localhost" "127.0.0.1" }}
{{- if .Values.ingress.enabled }}
{{- $hosts = concat .Values.ingress.hosts $hosts }}
{{- end }}
{{- concat $hosts .Values.server.allowedHosts | uniq | join "," }}
{{- end }}

{{- define "cluster-mcp.httpScheme" -}}
{{- ternary "HTTPS" "HTTP" (ne .Values.server.tls.secretName "") }}
{{- end }}
