using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Docker.DotNet.Models;
using SwarmPS.Engine.Workloads;

namespace SwarmPS.Engine.Stacks
{
    /// <summary>A swarm network as the writer needs it: found by id or name, owned by a stack when its namespace label says so.</summary>
    public sealed record StackNetworkFacts(string Id, string Name, string Driver, bool Attachable, bool Internal, IReadOnlyDictionary<string, string> Options, IReadOnlyDictionary<string, string> Labels);

    /// <summary>A swarm secret or config's name and labels (never its value).</summary>
    public sealed record StackObjectFacts(string Name, IReadOnlyDictionary<string, string> Labels);

    /// <summary>A Compose file written from running services, and what it could not say.</summary>
    public sealed record StackExport(string Yaml, IReadOnlyList<string> Services, IReadOnlyList<string> Warnings);

    /// <summary>
    /// Writes services' specs back as a Compose file: the reverse of <see cref="StackMapper"/>, so that the file,
    /// deployed again, gives the same specs. Objects a stack owns (<c>com.docker.stack.namespace</c>) lose the stack's
    /// prefix and are declared; networks that belong to no stack are external; secrets and configs are always external,
    /// because swarm never gives their values back. Version 3.8, which the Docker CLI 20.10 accepts.
    /// </summary>
    public static class StackWriter
    {
        private const string ManagedPrefix = "io.swarmps.";
        private const string SecretServiceLabel = "io.swarmps.service";
        private const long NanoCpusPerCpu = 1_000_000_000;

        // What swarm stores when a spec leaves the policy out (swarmkit api/defaults): not worth writing.
        private static readonly TimeSpan DefaultRestartDelay = TimeSpan.FromSeconds(5);
        private static readonly TimeSpan DefaultMonitor = TimeSpan.FromSeconds(5);

        // Options the engine adds to an overlay network itself.
        private static readonly string[] EngineNetworkOptions = { "com.docker.network.driver.overlay.vxlanid_list" };

        /// <param name="services">The services' specs, in the order to write them.</param>
        /// <param name="stack">The stack whose prefix the services' and objects' names lose; null when they belong to none.</param>
        /// <param name="keepDigest">Keep the image digest swarm pinned (image@sha256:...) instead of the name and tag.</param>
        /// <param name="origin">Where the services came from, for the file's first comment.</param>
        public static StackExport Write(IReadOnlyList<ServiceSpec> services, string? stack, IReadOnlyList<StackNetworkFacts> networks,
            IReadOnlyList<StackObjectFacts> secrets, bool keepDigest, string origin)
        {
            var warnings = new List<string>();
            var servicesMap = new YamlMap();
            var networksMap = new YamlMap();
            var volumesMap = new YamlMap();
            var secretsMap = new YamlMap();
            var configsMap = new YamlMap();
            var keys = new List<string>();
            foreach (ServiceSpec spec in services)
            {
                string key = Key(spec.Name ?? string.Empty, stack);
                if (keys.Contains(key))
                {
                    throw new SwarmException("StackServiceClash", SwarmErrorKind.InvalidArgument,
                        $"Two services would both be '{key}' in the Compose file. Convert services of one stack at a time (-Stack), or pick them by name.", key);
                }

                keys.Add(key);
                servicesMap.Add(key, Service(key, spec, stack, networks, secrets, keepDigest, networksMap, volumesMap, secretsMap, configsMap, warnings));
            }

            var root = new YamlMap();
            root.Add("version", new YamlText("3.8"));
            root.Add("services", servicesMap);
            root.Section("networks", networksMap);
            root.Section("volumes", volumesMap);
            if (secretsMap.Count > 0)
            {
                root.Add("secrets", secretsMap, "Swarm never gives a secret's value back: these secrets are external and must exist before\nthe stack is deployed (docker secret create NAME FILE).");
            }

            if (configsMap.Count > 0)
            {
                root.Add("configs", configsMap, "Configs are named as external: they must exist before the stack is deployed (docker config create NAME FILE).");
            }

            if (secretsMap.Count > 0 || configsMap.Count > 0)
            {
                warnings.Add($"The file names its secrets and configs ({string.Join(", ", secretsMap.KeysOf().Concat(configsMap.KeysOf()))}) as external: swarm never gives their values back, so they must exist when the file is deployed.");
            }

            string yaml = root.ToYaml(new[] { $"Written by ConvertTo-SwarmStack from {origin}." });
            return new StackExport(yaml, keys, warnings);
        }

        private static YamlMap Service(string key, ServiceSpec spec, string? stack, IReadOnlyList<StackNetworkFacts> networks, IReadOnlyList<StackObjectFacts> secrets,
            bool keepDigest, YamlMap networksMap, YamlMap volumesMap, YamlMap secretsMap, YamlMap configsMap, List<string> warnings)
        {
            TaskSpec task = spec.TaskTemplate ?? new TaskSpec();
            ContainerSpec c = task.ContainerSpec ?? new ContainerSpec();
            var service = new YamlMap();
            service.Text("image", Image(c.Image ?? string.Empty, keepDigest));
            if (c.Command?.Count > 0)
            {
                service.Add("entrypoint", YamlList.Of(c.Command, flow: true));
            }

            if (c.Args?.Count > 0)
            {
                service.Add("command", YamlList.Of(c.Args, flow: true));
            }

            var environment = new YamlMap();
            foreach (string variable in (c.Env ?? new List<string>()).OrderBy(v => v, StringComparer.Ordinal))
            {
                string[] pair = variable.Split('=', 2);
                if (!environment.Has(pair[0]))
                {
                    environment.Add(pair[0], new YamlText(pair.Length == 2 ? pair[1] : null));
                }
            }

            service.Section("environment", environment);
            service.Section("labels", YamlMap.Of(Own(c.Labels)));
            service.Text("user", c.User);
            service.Text("working_dir", c.Dir);
            service.Text("hostname", c.Hostname);
            service.Text("stop_grace_period", Span(c.StopGracePeriod));

            service.Text("stop_signal", c.StopSignal);
            service.Flag("tty", c.TTY == true ? true : null);
            service.Flag("stdin_open", c.OpenStdin == true ? true : null);
            service.Flag("read_only", c.ReadOnly == true ? true : null);
            service.Flag("init", c.Init);
            service.Section("extra_hosts", YamlList.Of((c.Hosts ?? new List<string>()).Select(Host), flow: false));
            if (Healthcheck(c.Healthcheck) is YamlMap health)
            {
                service.Add("healthcheck", health);
            }

            service.Section("ports", Ports(spec.EndpointSpec));
            service.Section("volumes", Mounts(key, c.Mounts, stack, volumesMap, warnings));
            service.Section("networks", Networks(key, task.Networks, stack, networks, networksMap));
            service.Section("secrets", References(key, "secret", (c.Secrets ?? new List<SecretReference>()).Select(s => (s.SecretName ?? string.Empty, s.File?.Name, s.File?.UID, s.File?.GID, s.File?.Mode)), stack, secrets, secretsMap, warnings));
            service.Section("configs", References(key, "config", (c.Configs ?? new List<SwarmConfigReference>()).Select(s => (s.ConfigName ?? string.Empty, s.File?.Name, s.File?.UID, s.File?.GID, s.File?.Mode)), stack, Array.Empty<StackObjectFacts>(), configsMap, warnings));
            service.Add("deploy", Deploy(key, spec, task, warnings));
            Unwritable(key, spec, task, c, warnings);
            return service;
        }

        /// <summary>The image without the digest swarm pinned, unless the digest is all that names it or it is wanted.</summary>
        internal static string Image(string image, bool keepDigest)
        {
            int at = image.IndexOf('@', StringComparison.Ordinal);
            if (keepDigest || at < 0)
            {
                return image;
            }

            string name = image.Substring(0, at);
            int slash = name.LastIndexOf('/');
            bool tagged = name.IndexOf(':', slash + 1) >= 0;
            return tagged ? name : image;
        }

        private static string Host(string entry)
        {
            // The engine keeps "IP name [aliases]" (docker service create --host name:IP); Compose writes name:IP.
            string[] parts = entry.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length >= 2 ? parts[1] + ":" + parts[0] : entry;
        }

        private static YamlMap? Healthcheck(HealthcheckConfig? health)
        {
            if (health == null)
            {
                return null;
            }

            var map = new YamlMap();
            if (health.Test is { Count: > 0 } test)
            {
                if (test.Count == 1 && test[0] == "NONE")
                {
                    return map.Flag("disable", true);
                }

                if (test.Count == 2 && test[0] == "CMD-SHELL")
                {
                    map.Text("test", test[1]);
                }
                else
                {
                    map.Add("test", YamlList.Of(test, flow: true));
                }
            }

            map.Text("interval", Span(health.Interval));
            map.Text("timeout", Span(health.Timeout));
            map.Text("start_period", Span(health.StartPeriod));
            map.Number("retries", health.Retries > 0 ? health.Retries : null);
            return map.Count > 0 ? map : null;
        }

        private static YamlList Ports(EndpointSpec? endpoint)
        {
            var list = new YamlList();
            foreach (PortConfig port in endpoint?.Ports ?? new List<PortConfig>())
            {
                var map = new YamlMap().Number("target", port.TargetPort);
                map.Number("published", port.PublishedPort > 0 ? port.PublishedPort : null);
                map.Text("protocol", string.IsNullOrEmpty(port.Protocol) ? "tcp" : port.Protocol);
                map.Text("mode", string.IsNullOrEmpty(port.PublishMode) ? "ingress" : port.PublishMode);
                list.Add(map);
            }

            return list;
        }

        private static YamlList Mounts(string service, IList<Mount>? mounts, string? stack, YamlMap volumesMap, List<string> warnings)
        {
            var list = new YamlList();
            foreach (Mount mount in mounts ?? new List<Mount>())
            {
                string type = string.IsNullOrEmpty(mount.Type) ? "volume" : mount.Type;
                var map = new YamlMap().Text("type", type);
                switch (type)
                {
                    case "volume" when !string.IsNullOrEmpty(mount.Source):
                        string source = mount.Source!;
                        IDictionary<string, string> labels = mount.VolumeOptions?.Labels ?? new Dictionary<string, string>();
                        bool owned = stack != null && labels.TryGetValue(StackMapper.NamespaceLabel, out string? owner) && owner == stack && source.StartsWith(stack + "_", StringComparison.Ordinal);
                        string key = owned ? source.Substring(stack!.Length + 1) : source;
                        if (!volumesMap.Has(key))
                        {
                            // A volume of no stack keeps its name (and its data): named, so no stack prefix is added, and
                            // external unless its driver must be kept (a stack creates it then, as swarm would anyway).
                            var volume = new YamlMap();
                            Driver? driver = mount.VolumeOptions?.DriverConfig;
                            if (!owned)
                            {
                                volume.Text("name", source).Flag("external", driver == null ? true : null);
                            }

                            if (driver != null)
                            {
                                volume.Text("driver", driver.Name);
                                volume.Section("driver_opts", YamlMap.Of(driver.Options ?? new Dictionary<string, string>()));
                            }

                            if (owned || driver != null)
                            {
                                volume.Section("labels", YamlMap.Of(Own(labels)));
                            }

                            volumesMap.Add(key, volume.Count > 0 ? volume : new YamlText(null));
                        }

                        map.Text("source", key);
                        break;
                    case "bind":
                    case "volume":
                        map.Text("source", mount.Source);
                        break;
                    case "tmpfs":
                        break;
                    default:
                        warnings.Add($"Service '{service}': the {type} mount at {mount.Target} cannot be written to a Compose file and is left out.");
                        continue;
                }

                map.Text("target", mount.Target);
                map.Flag("read_only", mount.ReadOnly == true ? true : null);
                if (mount.VolumeOptions?.NoCopy == true)
                {
                    map.Add("volume", new YamlMap().Flag("nocopy", true));
                }

                if (type == "bind" && !string.IsNullOrEmpty(mount.BindOptions?.Propagation))
                {
                    map.Add("bind", new YamlMap().Text("propagation", mount.BindOptions!.Propagation));
                }

                if (type == "tmpfs" && mount.TmpfsOptions?.SizeBytes > 0)
                {
                    map.Add("tmpfs", new YamlMap().Number("size", mount.TmpfsOptions.SizeBytes));
                }

                list.Add(map);
            }

            return list;
        }

        private static YamlMap Networks(string service, IList<NetworkAttachmentConfig>? attachments, string? stack, IReadOnlyList<StackNetworkFacts> networks, YamlMap networksMap)
        {
            var map = new YamlMap();
            foreach (NetworkAttachmentConfig attachment in attachments ?? new List<NetworkAttachmentConfig>())
            {
                string target = attachment.Target ?? string.Empty;
                StackNetworkFacts facts = networks.FirstOrDefault(n => n.Id == target) ?? networks.FirstOrDefault(n => n.Name == target)
                    ?? new StackNetworkFacts(target, target, "overlay", false, false, new Dictionary<string, string>(), new Dictionary<string, string>());
                bool owned = stack != null && facts.Labels.TryGetValue(StackMapper.NamespaceLabel, out string? owner) && owner == stack && facts.Name.StartsWith(stack + "_", StringComparison.Ordinal);
                string key = owned ? facts.Name.Substring(stack!.Length + 1) : facts.Name;
                if (!networksMap.Has(key))
                {
                    var network = new YamlMap();
                    if (owned)
                    {
                        network.Text("driver", string.IsNullOrEmpty(facts.Driver) ? "overlay" : facts.Driver);
                        network.Section("driver_opts", YamlMap.Of(facts.Options.Where(o => !EngineNetworkOptions.Contains(o.Key))));
                        network.Flag("attachable", facts.Attachable ? true : null);
                        network.Flag("internal", facts.Internal ? true : null);
                        network.Section("labels", YamlMap.Of(Own(facts.Labels)));
                    }
                    else
                    {
                        network.Text("name", facts.Name).Flag("external", true);
                    }

                    networksMap.Add(key, network);
                }

                // The stack gives every service its own short name as an alias: only the others are written.
                var aliases = YamlList.Of((attachment.Aliases ?? new List<string>()).Where(a => a != service), flow: true);
                map.Add(key, aliases.Count > 0 ? new YamlMap().Add("aliases", aliases) : new YamlMap());
            }

            return map;
        }

        private static YamlList References(string service, string kind, IEnumerable<(string Name, string? Target, string? Uid, string? Gid, uint? Mode)> references, string? stack,
            IReadOnlyList<StackObjectFacts> known, YamlMap section, List<string> warnings)
        {
            var list = new YamlList();
            foreach ((string name, string? target, string? uid, string? gid, uint? mode) in references.OrderBy(r => r.Name, StringComparer.Ordinal))
            {
                if (target == null)
                {
                    warnings.Add($"Service '{service}': the {kind} '{name}' is not mounted as a file and cannot be written to a Compose file; it is left out.");
                    continue;
                }

                string key = stack != null && name.StartsWith(stack + "_", StringComparison.Ordinal) ? name.Substring(stack.Length + 1) : name;
                if (!section.Has(key))
                {
                    section.Add(key, new YamlMap().Text("name", name).Flag("external", true));
                    StackObjectFacts? facts = known.FirstOrDefault(k => k.Name == name);
                    if (facts != null && facts.Labels.TryGetValue(SecretServiceLabel, out string? owner))
                    {
                        warnings.Add($"The secret '{name}' holds a value given to New-SwarmContainer '{owner}' -Secret. Its value cannot be read back, so the file names it as external; " +
                            $"Remove-SwarmContainer {owner} removes it, so create it again (docker secret create {name} FILE) before deploying the file after that.");
                    }
                }

                var map = new YamlMap().Text("source", key);
                if (target != key)
                {
                    map.Text("target", target);
                }

                if (!string.IsNullOrEmpty(uid) && uid != "0")
                {
                    map.Text("uid", uid);
                }

                if (!string.IsNullOrEmpty(gid) && gid != "0")
                {
                    map.Text("gid", gid);
                }

                if (mode is uint m && m != 0x124)
                {
                    map.Add("mode", new YamlText("0" + Convert.ToString(m, 8), raw: true));
                }

                list.Add(map.Count == 1 ? new YamlText(key) : map);
            }

            return list;
        }

        private static YamlMap Deploy(string service, ServiceSpec spec, TaskSpec task, List<string> warnings)
        {
            var deploy = new YamlMap();
            if (spec.Mode?.Global != null)
            {
                deploy.Text("mode", "global");
            }
            else
            {
                if (spec.Mode?.Replicated == null)
                {
                    warnings.Add($"Service '{service}' is a job, which Compose cannot describe; it is written as a replicated service.");
                }

                deploy.Number("replicas", spec.Mode?.Replicated?.Replicas ?? 1);
            }

            if (string.Equals(spec.EndpointSpec?.Mode, "dnsrr", StringComparison.OrdinalIgnoreCase))
            {
                deploy.Text("endpoint_mode", "dnsrr");
            }

            deploy.Section("labels", YamlMap.Of(Own(spec.Labels).Where(l => l.Key != StackMapper.ImageLabel)));
            var placement = new YamlMap();
            placement.Section("constraints", YamlList.Of(task.Placement?.Constraints ?? new List<string>(), flow: false));
            var preferences = new YamlList();
            foreach (PlacementPreference preference in task.Placement?.Preferences ?? new List<PlacementPreference>())
            {
                if (preference.Spread?.SpreadDescriptor is string spread)
                {
                    preferences.Add(new YamlMap().Text("spread", spread));
                }
            }

            placement.Section("preferences", preferences);
            placement.Number("max_replicas_per_node", task.Placement?.MaxReplicas > 0 ? task.Placement.MaxReplicas : null);
            deploy.Section("placement", placement);

            var resources = new YamlMap();
            var limits = new YamlMap().Text("cpus", Cpus(task.Resources?.Limits?.NanoCPUs)).Text("memory", Memory(task.Resources?.Limits?.MemoryBytes));
            limits.Number("pids", task.Resources?.Limits?.Pids > 0 ? task.Resources.Limits.Pids : null);
            resources.Section("limits", limits);
            resources.Section("reservations", new YamlMap().Text("cpus", Cpus(task.Resources?.Reservations?.NanoCPUs)).Text("memory", Memory(task.Resources?.Reservations?.MemoryBytes)));
            deploy.Section("resources", resources);

            if (task.RestartPolicy is SwarmRestartPolicy restart && !IsDefault(restart))
            {
                var map = new YamlMap().Text("condition", string.IsNullOrEmpty(restart.Condition) ? "any" : restart.Condition);
                map.Text("delay", restart.Delay is TimeSpan delay ? Duration.Format(delay) : null);
                map.Number("max_attempts", restart.MaxAttempts > 0 ? restart.MaxAttempts : null);
                map.Text("window", Span(restart.Window));
                deploy.Add("restart_policy", map);
            }

            deploy.Section("update_config", Update(spec.UpdateConfig));
            deploy.Section("rollback_config", Update(spec.RollbackConfig));
            return deploy;
        }

        private static bool IsDefault(SwarmRestartPolicy restart) =>
            (string.IsNullOrEmpty(restart.Condition) || restart.Condition == "any") && (restart.Delay == null || restart.Delay == DefaultRestartDelay)
            && (restart.MaxAttempts ?? 0) == 0 && (restart.Window ?? TimeSpan.Zero) == TimeSpan.Zero;

        private static YamlMap Update(SwarmUpdateConfig? update)
        {
            var map = new YamlMap();
            if (update == null || (update.Parallelism == 1 && (update.Delay ?? TimeSpan.Zero) == TimeSpan.Zero && (update.FailureAction ?? "pause") is "pause" or ""
                && (update.Monitor == null || update.Monitor == DefaultMonitor || update.Monitor == TimeSpan.Zero) && update.MaxFailureRatio == 0 && (update.Order ?? "stop-first") is "stop-first" or ""))
            {
                return map;
            }

            map.Number("parallelism", update.Parallelism);
            map.Text("delay", Span(update.Delay));
            map.Text("failure_action", update.FailureAction);
            map.Text("monitor", Span(update.Monitor));
            map.Number("max_failure_ratio", update.MaxFailureRatio > 0 ? update.MaxFailureRatio : null);
            map.Text("order", update.Order);
            return map;
        }

        private static void Unwritable(string service, ServiceSpec spec, TaskSpec task, ContainerSpec c, List<string> warnings)
        {
            var lost = new List<string>();
            if (task.LogDriver != null)
            {
                lost.Add("its log driver");
            }

            if (c.DNSConfig != null && (c.DNSConfig.Nameservers?.Count > 0 || c.DNSConfig.Search?.Count > 0 || c.DNSConfig.Options?.Count > 0))
            {
                lost.Add("its DNS settings");
            }

            if (c.Groups?.Count > 0)
            {
                lost.Add("its extra groups");
            }

            if (c.CapabilityAdd?.Count > 0 || c.CapabilityDrop?.Count > 0)
            {
                lost.Add("its capabilities");
            }

            if (c.Ulimits?.Count > 0)
            {
                lost.Add("its ulimits");
            }

            if (c.Sysctls?.Count > 0)
            {
                lost.Add("its sysctls");
            }

            if (task.Resources?.Reservations?.GenericResources?.Count > 0)
            {
                lost.Add("its generic resources");
            }

            if (lost.Count > 0)
            {
                warnings.Add($"Service '{service}': {string.Join(", ", lost)} cannot be written to a Compose file that SwarmPS reads, and {(lost.Count == 1 ? "is" : "are")} left out.");
            }
        }

        private static IEnumerable<KeyValuePair<string, string>> Own(IDictionary<string, string>? labels) =>
            (labels ?? new Dictionary<string, string>()).Where(l => l.Key != StackMapper.NamespaceLabel && !l.Key.StartsWith(ManagedPrefix, StringComparison.Ordinal));

        private static IEnumerable<KeyValuePair<string, string>> Own(IReadOnlyDictionary<string, string> labels) =>
            labels.Where(l => l.Key != StackMapper.NamespaceLabel && !l.Key.StartsWith(ManagedPrefix, StringComparison.Ordinal));

        private static string Key(string name, string? stack) =>
            stack != null && name.StartsWith(stack + "_", StringComparison.Ordinal) ? name.Substring(stack.Length + 1) : name;

        private static string? Span(TimeSpan? span) => span is TimeSpan s && s > TimeSpan.Zero ? Duration.Format(s) : null;

        private static string? Cpus(long? nano) => nano > 0 ? ((decimal)nano.Value / NanoCpusPerCpu).ToString("0.#########", CultureInfo.InvariantCulture) : null;

        // As Docker reads sizes: binary units; a size that is no whole unit is written in bytes.
        private static string? Memory(long? bytes)
        {
            if (bytes is not long b || b <= 0)
            {
                return null;
            }

            foreach ((string unit, long size) in new[] { ("G", 1L << 30), ("M", 1L << 20), ("K", 1L << 10) })
            {
                if (b % size == 0)
                {
                    return (b / size).ToString(CultureInfo.InvariantCulture) + unit;
                }
            }

            return b.ToString(CultureInfo.InvariantCulture);
        }
    }
}
