using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using Docker.DotNet.Models;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>A difference between two specs, one field at a time, as -WhatIf shows it.</summary>
    public sealed class FieldChange
    {
        public FieldChange(string field, string before, string after)
        {
            Field = field;
            Before = before;
            After = after;
        }

        public string Field { get; }

        public string Before { get; }

        public string After { get; }

        public override string ToString() => $"{Field}: {Show(Before)} -> {Show(After)}";

        private static string Show(string value) => value.Length == 0 ? "(none)" : value;
    }

    /// <summary>
    /// Applies <see cref="ContainerSettings"/> to a service spec and tells what changed, field by field.
    /// The same description drives -WhatIf, the "nothing to change" check and the tests.
    /// </summary>
    public static class ServiceSpecEditor
    {
        private const double NanoCpusPerCpu = 1e9;

        /// <summary>A copy of <paramref name="current"/> with the given settings applied; the original is left as it is.</summary>
        public static ServiceSpec Apply(ServiceSpec current, ContainerSettings settings)
        {
            ServiceSpec spec = Copy(current);
            spec.TaskTemplate ??= new TaskSpec();
            spec.TaskTemplate.ContainerSpec ??= new ContainerSpec();
            ContainerSpec container = spec.TaskTemplate.ContainerSpec;

            if (settings.Global == true)
            {
                spec.Mode = new ServiceMode { Global = new GlobalService() };
            }
            else if (settings.Replicas != null)
            {
                spec.Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = settings.Replicas } };
            }

            if (settings.Image != null && !SameImage(container.Image ?? string.Empty, settings.Image))
            {
                container.Image = settings.Image;
            }

            if (settings.Command != null)
            {
                container.Args = settings.Command.Count > 0 ? settings.Command.ToList() : null;
            }

            ApplyEnvironment(container, settings);

            Networking.EndpointSettings.Apply(spec, settings);

            if (settings.Constraints != null)
            {
                spec.TaskTemplate.Placement ??= new Placement();
                spec.TaskTemplate.Placement.Constraints = settings.Constraints.Select(c => c.ToSwarm()).ToList();
            }

            if (settings.PlacementPreferences != null)
            {
                spec.TaskTemplate.Placement ??= new Placement();
                spec.TaskTemplate.Placement.Preferences = settings.PlacementPreferences.Count > 0
                    ? settings.PlacementPreferences.Select(PlacementPreferences.ToSwarm).ToList()
                    : null;
            }

            if (settings.MaxReplicasPerNode != null)
            {
                spec.TaskTemplate.Placement ??= new Placement();
                spec.TaskTemplate.Placement.MaxReplicas = settings.MaxReplicasPerNode.Value;
            }

            if (settings.Mounts != null)
            {
                container.Mounts = settings.Mounts.Count > 0 ? Storage.MountParser.Copy(settings.Mounts) : null;
            }

            Objects.ObjectReferences.Apply(container, settings);
            ApplyResources(spec.TaskTemplate, settings);
            ApplyHealth(container, settings);
            ApplyRestart(spec.TaskTemplate, settings);
            ApplyUpdatePolicy(spec, settings);
            return spec;
        }

        /// <summary>Every field SwarmPS manages, as text, in a fixed order.</summary>
        public static IReadOnlyList<KeyValuePair<string, string>> Describe(ServiceSpec spec)
        {
            ContainerSpec? container = spec.TaskTemplate?.ContainerSpec;
            var fields = new List<KeyValuePair<string, string>>
            {
                Field("Replicas", spec.Mode?.Replicated?.Replicas?.ToString(CultureInfo.InvariantCulture) ?? (spec.Mode?.Global != null ? "global" : "1")),
                Field("Image", NormalizeImage(container?.Image ?? string.Empty) + DigestPart(container?.Image ?? string.Empty)),
                Field("Command", string.Join(" ", container?.Args ?? new List<string>())),
            };
            foreach (string variable in (container?.Env ?? new List<string>()).OrderBy(e => e, StringComparer.Ordinal))
            {
                int equals = variable.IndexOf('=');
                fields.Add(Field($"Env {(equals < 0 ? variable : variable.Substring(0, equals))}", equals < 0 ? string.Empty : variable.Substring(equals + 1)));
            }

            fields.Add(Field("Ports", Networking.EndpointSettings.DescribePorts(spec.EndpointSpec)));
            fields.Add(Field("EndpointMode", Networking.EndpointSettings.ModeOf(spec.EndpointSpec)));
            fields.Add(Field("Networks", Networking.EndpointSettings.DescribeNetworks(spec)));
            fields.Add(Field("Constraints", string.Join(", ", (spec.TaskTemplate?.Placement?.Constraints ?? new List<string>()).OrderBy(c => c, StringComparer.Ordinal))));
            // The order of preferences matters (the first splits first), so it is kept.
            fields.Add(Field("PlacementPreferences", string.Join(", ", (spec.TaskTemplate?.Placement?.Preferences ?? new List<PlacementPreference>()).Select(PlacementPreferences.Format))));
            fields.Add(Field("MaxReplicasPerNode", spec.TaskTemplate?.Placement?.MaxReplicas is ulong max && max > 0 ? max.ToString(CultureInfo.InvariantCulture) : string.Empty));
            fields.Add(Field("Mounts", Storage.MountParser.Describe(container?.Mounts)));
            fields.Add(Field("Secrets", Objects.ObjectReferences.DescribeSecrets(container)));
            fields.Add(Field("Configs", Objects.ObjectReferences.DescribeConfigs(container)));

            ResourceRequirements? resources = spec.TaskTemplate?.Resources;
            fields.Add(Field("ReserveCpu", Cpus(resources?.Reservations?.NanoCPUs)));
            fields.Add(Field("ReserveMemory", Bytes(resources?.Reservations?.MemoryBytes)));
            fields.Add(Field("LimitCpu", Cpus(resources?.Limits?.NanoCPUs)));
            fields.Add(Field("LimitMemory", Bytes(resources?.Limits?.MemoryBytes)));

            HealthcheckConfig? health = container?.Healthcheck;
            fields.Add(Field("HealthCommand", HealthText(health)));
            fields.Add(Field("HealthInterval", Span(health?.Interval)));
            fields.Add(Field("HealthTimeout", Span(health?.Timeout)));
            fields.Add(Field("HealthRetries", health?.Retries is long retries && retries > 0 ? retries.ToString(CultureInfo.InvariantCulture) : string.Empty));
            fields.Add(Field("HealthStartPeriod", Span(health?.StartPeriod)));

            SwarmRestartPolicy? restart = spec.TaskTemplate?.RestartPolicy;
            fields.Add(Field("RestartCondition", restart?.Condition ?? string.Empty));
            fields.Add(Field("RestartMaxAttempts", restart?.MaxAttempts?.ToString(CultureInfo.InvariantCulture) ?? string.Empty));
            fields.Add(Field("RestartDelay", Span(restart?.Delay)));

            SwarmUpdateConfig? update = spec.UpdateConfig;
            fields.Add(Field("UpdateParallelism", update == null ? string.Empty : update.Parallelism.ToString(CultureInfo.InvariantCulture)));
            fields.Add(Field("UpdateDelay", Span(update?.Delay)));
            fields.Add(Field("UpdateOrder", update?.Order ?? string.Empty));
            fields.Add(Field("UpdateFailureAction", update?.FailureAction ?? string.Empty));
            fields.Add(Field("UpdateMonitor", Span(update?.Monitor)));
            fields.Add(Field("UpdateMaxFailureRatio", update == null || update.MaxFailureRatio == 0 ? string.Empty : update.MaxFailureRatio.ToString(CultureInfo.InvariantCulture)));
            return fields;
        }

        /// <summary>The fields whose text differs between the two specs, in the order of <see cref="Describe"/>.</summary>
        public static IReadOnlyList<FieldChange> Compare(ServiceSpec before, ServiceSpec after)
        {
            var old = Describe(before).ToDictionary(f => f.Key, f => f.Value, StringComparer.Ordinal);
            var changes = new List<FieldChange>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, string> field in Describe(after))
            {
                seen.Add(field.Key);
                string was = old.TryGetValue(field.Key, out string? value) ? value : string.Empty;
                if (was != field.Value)
                {
                    changes.Add(new FieldChange(field.Key, was, field.Value));
                }
            }

            // Environment variables that were removed.
            changes.AddRange(old.Where(f => !seen.Contains(f.Key)).Select(f => new FieldChange(f.Key, f.Value, string.Empty)));
            return changes;
        }

        /// <summary>An image reference with its digest dropped and :latest made explicit, so swarmps/busybox equals swarmps/busybox:latest@sha256:...</summary>
        /// <summary>
        /// The deployed image is what is asked for: the same name and tag, and the same digest when the request pins
        /// one (a request without a digest, an image the nodes have locally, matches whatever digest is deployed).
        /// </summary>
        public static bool SameImage(string deployed, string requested) =>
            NormalizeImage(deployed) == NormalizeImage(requested)
            && (DigestPart(requested).Length == 0 || DigestPart(requested) == DigestPart(deployed));

        private static string DigestPart(string image)
        {
            int at = image.IndexOf('@');
            return at < 0 ? string.Empty : image.Substring(at);
        }

        public static string NormalizeImage(string image)
        {
            string name = image.Split('@')[0];
            int slash = name.LastIndexOf('/');
            return name.Length == 0 || name.IndexOf(':', slash + 1) >= 0 ? name : name + ":latest";
        }

        private static void ApplyEnvironment(ContainerSpec container, ContainerSettings settings)
        {
            if (settings.SetEnvironment == null && settings.RemoveEnvironment == null)
            {
                return;
            }

            var variables = new List<string>(container.Env ?? new List<string>());
            foreach (string name in settings.RemoveEnvironment ?? Array.Empty<string>())
            {
                variables.RemoveAll(v => v == name || v.StartsWith(name + "=", StringComparison.Ordinal));
            }

            foreach (KeyValuePair<string, string> variable in settings.SetEnvironment ?? new Dictionary<string, string>())
            {
                variables.RemoveAll(v => v == variable.Key || v.StartsWith(variable.Key + "=", StringComparison.Ordinal));
                variables.Add($"{variable.Key}={variable.Value}");
            }

            container.Env = variables.Count > 0 ? variables : null;
        }

        private static void ApplyResources(TaskSpec task, ContainerSettings settings)
        {
            if (settings.ReserveCpu == null && settings.ReserveMemory == null && settings.LimitCpu == null && settings.LimitMemory == null)
            {
                return;
            }

            task.Resources ??= new ResourceRequirements();
            if (settings.ReserveCpu != null || settings.ReserveMemory != null)
            {
                task.Resources.Reservations ??= new SwarmResources();
                task.Resources.Reservations.NanoCPUs = settings.ReserveCpu != null ? (long)Math.Round(settings.ReserveCpu.Value * NanoCpusPerCpu) : task.Resources.Reservations.NanoCPUs;
                task.Resources.Reservations.MemoryBytes = settings.ReserveMemory ?? task.Resources.Reservations.MemoryBytes;
            }

            if (settings.LimitCpu != null || settings.LimitMemory != null)
            {
                task.Resources.Limits ??= new SwarmLimit();
                task.Resources.Limits.NanoCPUs = settings.LimitCpu != null ? (long)Math.Round(settings.LimitCpu.Value * NanoCpusPerCpu) : task.Resources.Limits.NanoCPUs;
                task.Resources.Limits.MemoryBytes = settings.LimitMemory ?? task.Resources.Limits.MemoryBytes;
            }
        }

        private static void ApplyHealth(ContainerSpec container, ContainerSettings settings)
        {
            if (settings.NoHealthCheck)
            {
                container.Healthcheck = new HealthcheckConfig { Test = new List<string> { "NONE" } };
                return;
            }

            if (settings.HealthCommand == null && settings.HealthInterval == null && settings.HealthTimeout == null && settings.HealthRetries == null && settings.HealthStartPeriod == null)
            {
                return;
            }

            HealthcheckConfig health = container.Healthcheck ?? new HealthcheckConfig();
            if (settings.HealthCommand != null)
            {
                health.Test = new List<string> { "CMD-SHELL", settings.HealthCommand };
            }

            health.Interval = settings.HealthInterval ?? health.Interval;
            health.Timeout = settings.HealthTimeout ?? health.Timeout;
            health.StartPeriod = settings.HealthStartPeriod ?? health.StartPeriod;
            health.Retries = settings.HealthRetries != null ? (long)settings.HealthRetries.Value : health.Retries;
            container.Healthcheck = health;
        }

        private static void ApplyRestart(TaskSpec task, ContainerSettings settings)
        {
            if (settings.RestartCondition == null && settings.RestartMaxAttempts == null && settings.RestartDelay == null)
            {
                return;
            }

            task.RestartPolicy ??= new SwarmRestartPolicy { Condition = "any" };
            task.RestartPolicy.Condition = settings.RestartCondition ?? task.RestartPolicy.Condition;
            task.RestartPolicy.MaxAttempts = settings.RestartMaxAttempts ?? task.RestartPolicy.MaxAttempts;
            task.RestartPolicy.Delay = settings.RestartDelay ?? task.RestartPolicy.Delay;
        }

        private static void ApplyUpdatePolicy(ServiceSpec spec, ContainerSettings settings)
        {
            if (settings.UpdateParallelism == null && settings.UpdateDelay == null && settings.UpdateOrder == null
                && settings.UpdateFailureAction == null && settings.UpdateMonitor == null && settings.UpdateMaxFailureRatio == null)
            {
                return;
            }

            // Swarm's own defaults for what is not given: one task at a time, stop first, pause on failure.
            SwarmUpdateConfig update = spec.UpdateConfig ?? new SwarmUpdateConfig { Parallelism = 1, Order = "stop-first", FailureAction = "pause" };
            update.Parallelism = settings.UpdateParallelism ?? update.Parallelism;
            update.Delay = settings.UpdateDelay ?? update.Delay;
            update.Order = settings.UpdateOrder ?? update.Order;
            update.FailureAction = settings.UpdateFailureAction ?? update.FailureAction;
            update.Monitor = settings.UpdateMonitor ?? update.Monitor;
            update.MaxFailureRatio = settings.UpdateMaxFailureRatio ?? update.MaxFailureRatio;
            spec.UpdateConfig = update;

            // A rollback replaces tasks the same way, so an update that keeps serving also rolls back serving.
            spec.RollbackConfig = new SwarmUpdateConfig { Parallelism = update.Parallelism, Delay = update.Delay, Order = update.Order, Monitor = update.Monitor, FailureAction = "pause" };
        }

        private static ServiceSpec Copy(ServiceSpec spec) =>
            JsonSerializer.Deserialize<ServiceSpec>(JsonSerializer.Serialize(spec)) ?? new ServiceSpec();

        private static KeyValuePair<string, string> Field(string name, string value) => new KeyValuePair<string, string>(name, value);

        private static string Cpus(long? nanoCpus) => nanoCpus is long value && value > 0 ? (value / NanoCpusPerCpu).ToString("0.###", CultureInfo.InvariantCulture) : string.Empty;

        private static string Bytes(long? bytes) => bytes is long value && value > 0 ? MemorySize.Format(value) : string.Empty;

        private static string Span(TimeSpan? span) => span is TimeSpan value && value > TimeSpan.Zero ? Duration.Format(value) : string.Empty;

        private static string HealthText(HealthcheckConfig? health)
        {
            IList<string>? test = health?.Test;
            if (test == null || test.Count == 0)
            {
                return string.Empty;
            }

            return test[0] switch
            {
                "NONE" => "none",
                "CMD-SHELL" => string.Join(" ", test.Skip(1)),
                "CMD" => string.Join(" ", test.Skip(1)),
                _ => string.Join(" ", test),
            };
        }
    }
}
