using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>One line of a service's log: the timestamp (when asked for), the ids of the task that wrote it, and what it wrote.</summary>
    public sealed record ServiceLogLine(string? Timestamp, string NodeId, string ServiceId, string TaskId, string Message);

    /// <summary>
    /// Log lines as Get-SwarmContainerLog writes them, each led by the node/name of the container that wrote it:
    /// <c>core-02/web.1 | message</c>, after the timestamp when one was asked for. Reads the engine's service log
    /// lines with details, as docker service logs does. Pure, so unit-tested.
    /// </summary>
    public static class LogLines
    {
        private const string NodeKey = "com.docker.swarm.node.id";
        private const string ServiceKey = "com.docker.swarm.service.id";
        private const string TaskKey = "com.docker.swarm.task.id";

        /// <summary>
        /// Reads <c>[timestamp ]details message</c>: the details are key=value pairs, query-escaped, sorted by key and
        /// joined by commas, so the first space after them starts the message. Null when the line has no task details.
        /// </summary>
        public static ServiceLogLine? ParseServiceLine(string raw, bool timestamps)
        {
            string rest = raw;
            string? timestamp = null;
            if (timestamps)
            {
                int afterTime = rest.IndexOf(' ');
                if (afterTime < 0)
                {
                    return null;
                }

                timestamp = rest.Substring(0, afterTime);
                rest = rest.Substring(afterTime + 1);
            }

            int afterDetails = rest.IndexOf(' ');
            string details = afterDetails < 0 ? rest : rest.Substring(0, afterDetails);
            string message = afterDetails < 0 ? string.Empty : rest.Substring(afterDetails + 1);

            var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string pair in details.Split(','))
            {
                int equals = pair.IndexOf('=');
                if (equals <= 0)
                {
                    return null;
                }

                pairs[WebUtility.UrlDecode(pair.Substring(0, equals))] = WebUtility.UrlDecode(pair.Substring(equals + 1));
            }

            return pairs.TryGetValue(NodeKey, out string? node) && pairs.TryGetValue(TaskKey, out string? task)
                ? new ServiceLogLine(timestamp, node, pairs.GetValueOrDefault(ServiceKey, string.Empty), task, message)
                : null;
        }

        /// <summary><c>[timestamp ]source | message</c>.</summary>
        public static string Format(string? timestamp, string source, string message) =>
            timestamp == null ? $"{source} | {message}" : $"{timestamp} {source} | {message}";

        /// <summary>A line of one container's own log (<c>[timestamp ]message</c>, as docker logs writes it) led by <paramref name="source"/>.</summary>
        public static string Prefix(string raw, string source, bool timestamps)
        {
            int afterTime = timestamps ? raw.IndexOf(' ') : -1;
            return afterTime < 0 ? Format(null, source, raw) : Format(raw.Substring(0, afterTime), source, raw.Substring(afterTime + 1));
        }

        /// <summary>Each task's node/name in a merged log: the node's hostname (its id when the node is unknown), then the replica's name.</summary>
        public static IReadOnlyDictionary<string, string> SourcesOf(IEnumerable<TaskResponse> tasks, string service, IReadOnlyList<NodeListResponse> nodes)
        {
            IReadOnlyDictionary<string, string> hostnames = HostnamesOf(nodes);
            return tasks
                .Where(t => !string.IsNullOrEmpty(t.ID))
                .GroupBy(t => t.ID, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => $"{HostnameOf(hostnames, g.First().NodeID)}/{ContainerMapper.ReplicaNameOf(g.First(), service)}", StringComparer.Ordinal);
        }

        internal static IReadOnlyDictionary<string, string> HostnamesOf(IReadOnlyList<NodeListResponse> nodes) => nodes
            .Where(n => !string.IsNullOrEmpty(n.ID))
            .GroupBy(n => n.ID, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First().Description?.Hostname ?? g.Key, StringComparer.Ordinal);

        internal static string HostnameOf(IReadOnlyDictionary<string, string> hostnames, string? nodeId) =>
            nodeId != null && hostnames.TryGetValue(nodeId, out string? hostname) ? hostname : nodeId ?? string.Empty;
    }

    /// <summary>
    /// Turns one service's raw log lines, as they stream in, into node/name lines; with a task id, only that task's.
    /// A task started after the reading began (a replica replaced during -Follow) is named by its node and the service.
    /// </summary>
    public sealed class ServiceLogWriter
    {
        private readonly string service;
        private readonly IReadOnlyDictionary<string, string> sources;
        private readonly IReadOnlyDictionary<string, string> hostnames;
        private readonly bool timestamps;
        private readonly string? onlyTask;
        private readonly Action<string> onLine;

        public ServiceLogWriter(string service, IReadOnlyList<TaskResponse> tasks, IReadOnlyList<NodeListResponse> nodes, bool timestamps, string? onlyTask, Action<string> onLine)
        {
            this.service = service;
            sources = LogLines.SourcesOf(tasks, service, nodes);
            hostnames = LogLines.HostnamesOf(nodes);
            this.timestamps = timestamps;
            this.onlyTask = string.IsNullOrEmpty(onlyTask) ? null : onlyTask;
            this.onLine = onLine;
        }

        public void Add(string raw)
        {
            ServiceLogLine? line = LogLines.ParseServiceLine(raw, timestamps);
            if (line == null)
            {
                // Not the engine's detailed form: whose it is cannot be told, so it belongs to no single task.
                if (onlyTask == null)
                {
                    onLine(LogLines.Format(null, service, raw));
                }

                return;
            }

            if (onlyTask != null && !string.Equals(line.TaskId, onlyTask, StringComparison.Ordinal))
            {
                return;
            }

            string source = sources.TryGetValue(line.TaskId, out string? known) ? known : $"{LogLines.HostnameOf(hostnames, line.NodeId)}/{service}";
            onLine(LogLines.Format(line.Timestamp, source, line.Message));
        }
    }
}
