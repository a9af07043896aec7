using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Docker.DotNet.Models;

namespace SwarmPS.Engine.Stacks
{
    /// <summary>
    /// The fields of a service spec a Compose file sets, each as one comparable text, so that a deployed spec (with
    /// the engine's ids and defaults) and a mapped one compare field by field: unchanged when every text is equal.
    /// </summary>
    public static class StackDiff
    {
        /// <param name="networkName">A network id or name to its name (the engine stores ids).</param>
        public static SortedDictionary<string, string> Fields(ServiceSpec spec, Func<string, string> networkName)
        {
            ContainerSpec c = spec.TaskTemplate?.ContainerSpec ?? new ContainerSpec();
            TaskSpec t = spec.TaskTemplate ?? new TaskSpec();
            var fields = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["Image"] = c.Image ?? string.Empty,
                ["Command"] = List(c.Command),
                ["Args"] = List(c.Args),
                ["Env"] = string.Join("\n", c.Env?.OrderBy(e => e, StringComparer.Ordinal) ?? Enumerable.Empty<string>()),
                ["Labels"] = Map(spec.Labels),
                ["ContainerLabels"] = Map(c.Labels),
                ["User"] = c.User ?? string.Empty,
                ["WorkingDir"] = c.Dir ?? string.Empty,
                ["Hostname"] = c.Hostname ?? string.Empty,
                ["Hosts"] = List(c.Hosts),
                ["StopGracePeriod"] = Span(c.StopGracePeriod),
                ["StopSignal"] = c.StopSignal ?? string.Empty,
                ["Tty"] = (c.TTY ?? false).ToString(),
                ["OpenStdin"] = (c.OpenStdin ?? false).ToString(),
                ["ReadOnly"] = (c.ReadOnly ?? false).ToString(),
                ["Init"] = c.Init?.ToString() ?? string.Empty,
                ["Mounts"] = List(c.Mounts?.Select(m => $"{m.Type}:{m.Source}:{m.Target}{(m.ReadOnly == true ? ":ro" : string.Empty)}{(m.TmpfsOptions?.SizeBytes > 0 ? ":size=" + m.TmpfsOptions.SizeBytes : string.Empty)}")),
                ["Healthcheck"] = c.Healthcheck == null ? string.Empty
                    : $"{List(c.Healthcheck.Test)} interval={Span(c.Healthcheck.Interval)} timeout={Span(c.Healthcheck.Timeout)} start={Span(c.Healthcheck.StartPeriod)} retries={c.Healthcheck.Retries ?? 0}",
                ["Secrets"] = List(c.Secrets?.Select(s => $"{s.SecretName}->{s.File?.Name}:{s.File?.UID}:{s.File?.GID}:{Convert.ToString(s.File?.Mode ?? 0, 8)}").OrderBy(s => s, StringComparer.Ordinal)),
                ["Configs"] = List(c.Configs?.Select(s => $"{s.ConfigName}->{s.File?.Name}:{s.File?.UID}:{s.File?.GID}:{Convert.ToString(s.File?.Mode ?? 0, 8)}").OrderBy(s => s, StringComparer.Ordinal)),
                ["Networks"] = List(t.Networks?.Select(n => $"{networkName(n.Target ?? string.Empty)}({string.Join(",", n.Aliases ?? new List<string>())})").OrderBy(s => s, StringComparer.Ordinal)),
                ["Ports"] = List(spec.EndpointSpec?.Ports?.Select(p => $"{p.PublishedPort}:{p.TargetPort}/{p.Protocol}({p.PublishMode})").OrderBy(s => s, StringComparer.Ordinal)),
                ["EndpointMode"] = string.IsNullOrEmpty(spec.EndpointSpec?.Mode) ? "vip" : spec.EndpointSpec!.Mode,
                ["Mode"] = spec.Mode?.Global != null ? "global" : $"replicated({spec.Mode?.Replicated?.Replicas ?? 1})",
                ["Constraints"] = List(t.Placement?.Constraints?.OrderBy(s => s, StringComparer.Ordinal)),
                ["Preferences"] = List(t.Placement?.Preferences?.Select(p => p.Spread?.SpreadDescriptor ?? string.Empty)),
                ["MaxReplicasPerNode"] = (t.Placement?.MaxReplicas ?? 0).ToString(CultureInfo.InvariantCulture),
                ["Limits"] = $"cpu={t.Resources?.Limits?.NanoCPUs ?? 0} memory={t.Resources?.Limits?.MemoryBytes ?? 0} pids={t.Resources?.Limits?.Pids ?? 0}",
                ["Reservations"] = $"cpu={t.Resources?.Reservations?.NanoCPUs ?? 0} memory={t.Resources?.Reservations?.MemoryBytes ?? 0}",
                ["RestartPolicy"] = t.RestartPolicy == null ? string.Empty
                    : $"{Or(t.RestartPolicy.Condition, "any")} delay={Span(t.RestartPolicy.Delay)} attempts={t.RestartPolicy.MaxAttempts?.ToString(CultureInfo.InvariantCulture) ?? string.Empty} window={Span(t.RestartPolicy.Window)}",
                ["UpdateConfig"] = Update(spec.UpdateConfig),
                ["RollbackConfig"] = Update(spec.RollbackConfig),
            };
            return fields;
        }

        // Policies the engine fills with its defaults when a spec leaves them out: compared only when the file sets them.
        private static readonly string[] DefaultedByEngine = { "RestartPolicy", "UpdateConfig", "RollbackConfig" };

        /// <summary>The fields that differ, as "Field: before -> after".</summary>
        public static IReadOnlyList<string> Changes(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
            after.Where(p => !(p.Value.Length == 0 && DefaultedByEngine.Contains(p.Key)))
                .Where(p => !before.TryGetValue(p.Key, out string? old) || old != p.Value)
                .Select(p => p.Key == "Env" ? "Env: " + EnvChanges(before.GetValueOrDefault(p.Key) ?? string.Empty, p.Value)
                    : $"{p.Key}: {Show(before.GetValueOrDefault(p.Key))} -> {Show(p.Value)}")
                .ToList();

        // Environment values often hold passwords: a change names the variables, never their values.
        private static string EnvChanges(string before, string after)
        {
            static Dictionary<string, string> Parse(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .GroupBy(e => e.Split('=', 2)[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
            Dictionary<string, string> old = Parse(before);
            Dictionary<string, string> now = Parse(after);
            var parts = new List<string>();
            parts.AddRange(now.Keys.Where(k => !old.ContainsKey(k)).Select(k => k + " added"));
            parts.AddRange(now.Keys.Where(k => old.TryGetValue(k, out string? v) && v != now[k]).Select(k => k + " changed"));
            parts.AddRange(old.Keys.Where(k => !now.ContainsKey(k)).Select(k => k + " removed"));
            return string.Join(", ", parts);
        }

        private static string Show(string? value) => string.IsNullOrEmpty(value) ? "(none)" : value;

        private static string Update(SwarmUpdateConfig? u) => u == null ? string.Empty
            : $"parallelism={u.Parallelism} delay={Span(u.Delay)} failure={Or(u.FailureAction, "pause")} monitor={Span(u.Monitor)} ratio={u.MaxFailureRatio.ToString(CultureInfo.InvariantCulture)} order={Or(u.Order, "stop-first")}";

        // The engine stores an empty failure action as pause and an empty order as stop-first (moby's updateConfigToGRPC),
        // an empty restart condition as any: compare what it will store.
        private static string Or(string? value, string engineDefault) => string.IsNullOrEmpty(value) ? engineDefault : value;

        private static string Span(TimeSpan? span) => span is { } s && s > TimeSpan.Zero ? Workloads.Duration.Format(s) : string.Empty;

        private static string List(IEnumerable<string>? items) => items == null ? string.Empty : string.Join(" ", items.Select(i => i.Contains(' ') ? "'" + i + "'" : i));

        // The namespace label is the stack's own: it is always there and never a change.
        private static string Map(IDictionary<string, string>? labels) => labels == null ? string.Empty
            : string.Join(" ", labels.Where(p => p.Key != StackMapper.NamespaceLabel).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
    }
}
