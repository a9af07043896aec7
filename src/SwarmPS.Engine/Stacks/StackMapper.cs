using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Docker.DotNet.Models;
using SwarmPS.Engine.Workloads;

namespace SwarmPS.Engine.Stacks
{
    /// <summary>
    /// Maps a Compose document to swarm objects the way docker stack deploy does (docker/cli cli/compose/convert):
    /// every object named <c>&lt;stack&gt;_&lt;name&gt;</c> and labelled <c>com.docker.stack.namespace=&lt;stack&gt;</c>,
    /// services on <c>&lt;stack&gt;_default</c> when they name no network, aliased by their short name, environment
    /// sorted, secrets and configs sorted by name, ports sorted, <c>com.docker.stack.image</c> on the service. Keys swarm
    /// ignores or SwarmPS does not support become warnings with their position; none is dropped silently.
    /// </summary>
    public static class StackMapper
    {
        public const string NamespaceLabel = "com.docker.stack.namespace";
        public const string ImageLabel = "com.docker.stack.image";
        private const long NanoCpusPerCpu = 1_000_000_000;

        private static readonly string[] ServiceKeys =
        {
            "image", "command", "entrypoint", "environment", "env_file", "healthcheck", "labels", "user", "working_dir", "deploy",
            "networks", "volumes", "secrets", "configs", "ports", "hostname", "stop_grace_period", "stop_signal", "tty", "stdin_open",
            "read_only", "init", "extra_hosts", "restart",
        };

        private static readonly Dictionary<string, string> Ignored = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["build"] = "swarm does not build images: build and push the image first, then name it in image:",
            ["depends_on"] = "swarm starts services in no order: make each service wait for what it needs",
            ["container_name"] = "swarm names a service's containers itself (<stack>_<service>.<slot>.<task>)",
            ["links"] = "services on a stack network reach each other by name already",
            ["network_mode"] = "swarm services use the stack's networks",
            ["expose"] = "ports are reachable on the stack's networks without it",
            ["profiles"] = "every service of the file is deployed",
            ["pull_policy"] = "swarm pulls the image the manager resolved",
            ["privileged"] = "swarm services cannot be privileged",
            ["devices"] = "swarm services cannot map devices",
            ["cgroup_parent"] = "swarm does not support it",
            ["security_opt"] = "swarm does not support it",
            ["userns_mode"] = "swarm does not support it",
            ["platform"] = "constrain on node.platform.os and node.platform.arch in deploy.placement instead",
        };

        private static readonly string[] DeployKeys =
        {
            "mode", "replicas", "placement", "resources", "restart_policy", "update_config", "rollback_config", "labels", "endpoint_mode",
        };

        public static StackDefinition Map(string stack, ComposeDocument document)
        {
            var warnings = new List<ComposeWarning>();
            ComposeMapping root = document.Root;
            foreach (string key in new[] { "include", "name" })
            {
                ComposeEntry? entry = root.Entry(key);
                if (entry != null)
                {
                    warnings.Add(new ComposeWarning(key == "name" ? $"'name' is ignored: the stack is named '{stack}' by -Name" : "'include' is not supported by SwarmPS and is ignored: pass each file with -Path", entry.KeyMark));
                }
            }

            ComposeMapping services = Mapping(root["services"]) ?? throw ComposeReader.Invalid(root.Mark, "the file has no services: section");
            ComposeMapping networks = Mapping(root["networks"]) ?? Empty(root.Mark);
            ComposeMapping volumes = Mapping(root["volumes"]) ?? Empty(root.Mark);
            IReadOnlyList<StackFileObject> secrets = FileObjects(stack, "secret", Mapping(root["secrets"]), document.Directory, warnings);
            IReadOnlyList<StackFileObject> configs = FileObjects(stack, "config", Mapping(root["configs"]), document.Directory, warnings);

            var mapped = new List<StackService>();
            var usedNetworks = new HashSet<string>(StringComparer.Ordinal);
            foreach (ComposeEntry entry in services.Entries)
            {
                ComposeMapping service = Mapping(entry.Value) ?? throw ComposeReader.Invalid(entry.Value.Mark, $"service '{entry.Key}' is not a mapping");
                mapped.Add(MapService(stack, entry.Key, service, networks, volumes, secrets, configs, document.Directory, usedNetworks, warnings));
            }

            var stackNetworks = new List<StackNetwork>();
            foreach (string key in usedNetworks.OrderBy(k => k, StringComparer.Ordinal))
            {
                ComposeMapping? config = Mapping(networks[key]);
                stackNetworks.Add(MapNetwork(stack, key, config, warnings));
            }

            return new StackDefinition(stack, stackNetworks, secrets, configs, mapped, warnings);
        }

        private static StackNetwork MapNetwork(string stack, string key, ComposeMapping? config, List<ComposeWarning> warnings)
        {
            string name = config?["name"]?.ToString() ?? Scope(stack, key);
            if (IsTrue(config?["external"]))
            {
                return new StackNetwork(key, config?["name"]?.ToString() ?? key, true, null);
            }

            foreach (ComposeEntry entry in config?.Entries ?? Array.Empty<ComposeEntry>())
            {
                if (entry.Key is not ("name" or "driver" or "driver_opts" or "attachable" or "internal" or "labels" or "external"))
                {
                    warnings.Add(new ComposeWarning($"network '{key}': '{entry.Key}' is not supported by SwarmPS and is ignored", entry.KeyMark));
                }
            }

            var create = new NetworksCreateParameters
            {
                Name = name,
                Driver = config?["driver"]?.ToString() ?? "overlay",
                Attachable = IsTrue(config?["attachable"]),
                Internal = IsTrue(config?["internal"]),
                Options = Strings(config?["driver_opts"]),
                Labels = WithNamespace(stack, Strings(config?["labels"])),
            };
            return new StackNetwork(key, name, false, create);
        }

        private static IReadOnlyList<StackFileObject> FileObjects(string stack, string kind, ComposeMapping? section, string directory, List<ComposeWarning> warnings)
        {
            var result = new List<StackFileObject>();
            foreach (ComposeEntry entry in section?.Entries ?? Array.Empty<ComposeEntry>())
            {
                ComposeMapping config = Mapping(entry.Value) ?? throw ComposeReader.Invalid(entry.Value.Mark, $"{kind} '{entry.Key}' is not a mapping with file: or external:");
                if (IsTrue(config["external"]))
                {
                    result.Add(new StackFileObject(entry.Key, config["name"]?.ToString() ?? entry.Key, true, null, new Dictionary<string, string>()));
                    continue;
                }

                foreach (ComposeEntry other in config.Entries.Where(e => e.Key is not ("file" or "name" or "labels" or "external")))
                {
                    warnings.Add(new ComposeWarning($"{kind} '{entry.Key}': '{other.Key}' is not supported by SwarmPS and is ignored (only file-based {kind}s are)", other.KeyMark));
                }

                string file = config["file"]?.ToString() ?? throw ComposeReader.Invalid(config.Mark, $"{kind} '{entry.Key}' has no file: (SwarmPS creates {kind}s from files, or uses external ones)");
                string path = Path.GetFullPath(Path.Combine(directory, file));
                result.Add(new StackFileObject(entry.Key, config["name"]?.ToString() ?? Scope(stack, entry.Key), false, path, new Dictionary<string, string>(WithNamespace(stack, Strings(config["labels"])))));
            }

            return result;
        }

        private static StackService MapService(string stack, string key, ComposeMapping service, ComposeMapping networks, ComposeMapping volumes,
            IReadOnlyList<StackFileObject> secrets, IReadOnlyList<StackFileObject> configs, string directory, HashSet<string> usedNetworks, List<ComposeWarning> warnings)
        {
            foreach (ComposeEntry entry in service.Entries)
            {
                if (Ignored.TryGetValue(entry.Key, out string? why))
                {
                    warnings.Add(new ComposeWarning($"service '{key}': '{entry.Key}' is ignored: {why}", entry.KeyMark));
                }
                else if (!ServiceKeys.Contains(entry.Key) && !entry.Key.StartsWith("x-", StringComparison.Ordinal))
                {
                    warnings.Add(new ComposeWarning($"service '{key}': '{entry.Key}' is not supported by SwarmPS and is ignored", entry.KeyMark));
                }
            }

            string image = service["image"]?.ToString() ?? throw ComposeReader.Invalid(service.Mark, $"service '{key}' has no image: (swarm runs images; it does not build them)");
            ComposeMapping deploy = Mapping(service["deploy"]) ?? Empty(service.Mark);
            foreach (ComposeEntry entry in deploy.Entries.Where(e => !DeployKeys.Contains(e.Key)))
            {
                warnings.Add(new ComposeWarning($"service '{key}': 'deploy.{entry.Key}' is not supported by SwarmPS and is ignored", entry.KeyMark));
            }

            var container = new ContainerSpec
            {
                Image = image,
                Command = Command(service["entrypoint"]),
                Args = Command(service["command"]),
                Hostname = service["hostname"]?.ToString() ?? string.Empty,
                Env = Environment(service, directory),
                Labels = WithNamespace(stack, Strings(service["labels"])),
                Dir = service["working_dir"]?.ToString() ?? string.Empty,
                User = service["user"]?.ToString() ?? string.Empty,
                Mounts = Mounts(stack, key, service["volumes"], volumes),
                Healthcheck = Healthcheck(Mapping(service["healthcheck"])),
                TTY = IsTrue(service["tty"]),
                OpenStdin = IsTrue(service["stdin_open"]),
                ReadOnly = IsTrue(service["read_only"]),
                StopSignal = service["stop_signal"]?.ToString() ?? string.Empty,
                Hosts = Items(service["extra_hosts"]).Select(h => h.Split(':', 2)).Where(p => p.Length == 2).Select(p => p[1] + " " + p[0]).ToList(),
                Secrets = References(key, "secret", service["secrets"], secrets).Select(r => new SecretReference { SecretName = r.Name, File = new SecretReferenceFileTarget { Name = r.Target, UID = r.Uid, GID = r.Gid, Mode = r.Mode } }).OrderBy(s => s.SecretName, StringComparer.Ordinal).ToList(),
                Configs = References(key, "config", service["configs"], configs).Select(r => new SwarmConfigReference { ConfigName = r.Name, File = new ConfigReferenceFileTarget { Name = r.Target, UID = r.Uid, GID = r.Gid, Mode = r.Mode } }).OrderBy(c => c.ConfigName, StringComparer.Ordinal).ToList(),
            };
            if (service["init"] != null)
            {
                container.Init = IsTrue(service["init"]);
            }

            if (service["stop_grace_period"] is ComposeNode grace)
            {
                container.StopGracePeriod = Ticks(grace);
            }

            ComposeMapping placement = Mapping(deploy["placement"]) ?? Empty(deploy.Mark);
            var constraints = Items(placement["constraints"]).Select((text, index) => Constraint(text, Sequence(placement["constraints"])!.Items[index])).ToList();
            var spec = new ServiceSpec
            {
                Name = Scope(stack, key),
                Labels = WithNamespace(stack, Strings(deploy["labels"])),
                TaskTemplate = new TaskSpec
                {
                    ContainerSpec = container,
                    Resources = Resources(Mapping(deploy["resources"])),
                    RestartPolicy = Restart(Mapping(deploy["restart_policy"]), service["restart"]),
                    Placement = new Placement
                    {
                        Constraints = constraints.Select(c => c.ToSwarm()).ToList(),
                        Preferences = Sequence(placement["preferences"])?.Items.Select(Preference).ToList(),
                        MaxReplicas = placement["max_replicas_per_node"] is ComposeNode max ? UInt(max) : 0,
                    },
                    Networks = Networks(stack, key, service["networks"], networks, usedNetworks),
                },
                Mode = Mode(deploy),
                UpdateConfig = Update(Mapping(deploy["update_config"])),
                RollbackConfig = Update(Mapping(deploy["rollback_config"])),
                EndpointSpec = new EndpointSpec
                {
                    Mode = (deploy["endpoint_mode"]?.ToString() ?? "vip").ToLowerInvariant(),
                    Ports = Sequence(service["ports"])?.Items.SelectMany(ComposePort.Parse)
                        .Select(p => new PortConfig { Protocol = p.Protocol, TargetPort = p.Target, PublishedPort = p.Published, PublishMode = p.Mode })
                        .OrderBy(p => p.Protocol, StringComparer.Ordinal).ThenBy(p => p.TargetPort).ThenBy(p => p.PublishedPort).ThenBy(p => p.PublishMode, StringComparer.Ordinal).ToList() ?? new List<PortConfig>(),
                },
            };
            spec.Labels[ImageLabel] = image;
            return new StackService(key, spec, image, constraints, service.Mark);
        }

        private static PlacementConstraint Constraint(string text, ComposeNode node)
        {
            try
            {
                return ConstraintParser.Parse(text);
            }
            catch (SwarmException failure)
            {
                throw new SwarmException(failure.ErrorId, failure.Kind, $"{node.Mark}: {failure.Message}", node.Mark.File, failure);
            }
        }

        /// <summary>- spread: node.labels.zone, checked by the same rules as -PlacementPreference.</summary>
        private static PlacementPreference Preference(ComposeNode node)
        {
            string descriptor = Mapping(node)?["spread"]?.ToString() ?? throw ComposeReader.Invalid(node.Mark, "a placement preference is written spread: node.labels.KEY");
            try
            {
                return PlacementPreferences.ToSwarm(PlacementPreferences.ParseDescriptor(descriptor));
            }
            catch (SwarmException failure)
            {
                throw new SwarmException(failure.ErrorId, failure.Kind, $"{node.Mark}: {failure.Message}", node.Mark.File, failure);
            }
        }

        private static IList<string>? Command(ComposeNode? node) => node switch
        {
            null => null,
            ComposeSequence list => list.Items.Select(i => i.ToString() ?? string.Empty).ToList(),
            ComposeScalar { Value: null } => null,
            // As docker stack deploy: a string is split the way a shell splits words.
            ComposeScalar scalar => ShellWords(scalar.Value!, scalar.Mark),
            _ => throw ComposeReader.Invalid(node.Mark, "a command is a string or a list of strings"),
        };

        internal static IList<string> ShellWords(string text, ComposeMark mark)
        {
            var words = new List<string>();
            var current = new System.Text.StringBuilder();
            bool inWord = false;
            char quote = '\0';
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (quote != '\0')
                {
                    if (c == quote)
                    {
                        quote = '\0';
                    }
                    else if (c == '\\' && quote == '"' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$')
                    {
                        current.Append(text[++i]);
                    }
                    else
                    {
                        current.Append(c);
                    }
                }
                else if (c is '\'' or '"')
                {
                    quote = c;
                    inWord = true;
                }
                else if (c == '\\' && i + 1 < text.Length)
                {
                    current.Append(text[++i]);
                    inWord = true;
                }
                else if (char.IsWhiteSpace(c))
                {
                    if (inWord)
                    {
                        words.Add(current.ToString());
                        current.Clear();
                        inWord = false;
                    }
                }
                else
                {
                    current.Append(c);
                    inWord = true;
                }
            }

            if (quote != '\0')
            {
                throw ComposeReader.Invalid(mark, $"the command '{text}' has an unclosed {quote}");
            }

            if (inWord)
            {
                words.Add(current.ToString());
            }

            return words;
        }

        private static IList<string> Environment(ComposeMapping service, string directory)
        {
            var values = new SortedDictionary<string, string?>(StringComparer.Ordinal);
            foreach (ComposeNode file in Sequence(service["env_file"])?.Items ?? (service["env_file"] is ComposeScalar one ? new[] { one } : Array.Empty<ComposeNode>()))
            {
                string path = Path.GetFullPath(Path.Combine(directory, (file is ComposeMapping m ? m["path"] : file)?.ToString() ?? string.Empty));
                foreach (KeyValuePair<string, string> pair in EnvFile.Read(path))
                {
                    values[pair.Key] = pair.Value;
                }
            }

            if (service["environment"] is ComposeNode environment)
            {
                foreach (ComposeEntry entry in ComposeMerge.AsMapping(environment).Entries)
                {
                    values[entry.Key] = (entry.Value as ComposeScalar)?.Value;
                }
            }

            return values.Select(p => p.Value == null ? p.Key : p.Key + "=" + p.Value).OrderBy(s => s, StringComparer.Ordinal).ToList();
        }

        private static IList<Mount> Mounts(string stack, string service, ComposeNode? node, ComposeMapping volumes)
        {
            var mounts = new List<Mount>();
            foreach (ComposeNode item in Sequence(node)?.Items ?? Array.Empty<ComposeNode>())
            {
                string type;
                string source;
                string target;
                bool readOnly = false;
                ComposeMapping? longForm = Mapping(item);
                if (longForm != null)
                {
                    type = longForm["type"]?.ToString() ?? "volume";
                    source = longForm["source"]?.ToString() ?? string.Empty;
                    target = longForm["target"]?.ToString() ?? throw ComposeReader.Invalid(item.Mark, $"service '{service}': a volume in long form needs target:");
                    readOnly = IsTrue(longForm["read_only"]);
                }
                else
                {
                    string[] parts = (item.ToString() ?? string.Empty).Split(':');
                    if (parts.Length == 1)
                    {
                        (type, source, target) = ("volume", string.Empty, parts[0]);
                    }
                    else
                    {
                        source = parts[0];
                        target = parts[1];
                        readOnly = parts.Length > 2 && parts[2].Split(',').Contains("ro");
                        type = source.StartsWith("/", StringComparison.Ordinal) || source.StartsWith(".", StringComparison.Ordinal) || source.StartsWith("~", StringComparison.Ordinal) ? "bind" : "volume";
                    }
                }

                var mount = new Mount { Type = type, Target = target, ReadOnly = readOnly, Source = source };
                switch (type)
                {
                    case "volume" when source.Length > 0:
                        ComposeEntry? declared = volumes.Entry(source) ?? throw ComposeReader.Invalid(item.Mark, $"service '{service}' mounts the volume '{source}', which the file's volumes: section does not declare");
                        ComposeMapping? config = Mapping(declared.Value);
                        // As the Docker CLI's loader: an external volume without name: is the volume named by its key, not <stack>_<key>.
                        mount.Source = config?["name"]?.ToString() ?? (IsTrue(config?["external"]) ? source : Scope(stack, source));
                        mount.VolumeOptions = new VolumeOptions { NoCopy = IsTrue(Mapping(longForm?["volume"])?["nocopy"]) };
                        if (!IsTrue(config?["external"]))
                        {
                            mount.VolumeOptions.Labels = WithNamespace(stack, Strings(config?["labels"]));
                            if (config?["driver"] != null || config?["driver_opts"] != null)
                            {
                                mount.VolumeOptions.DriverConfig = new Driver { Name = config?["driver"]?.ToString() ?? string.Empty, Options = Strings(config?["driver_opts"]) };
                            }
                        }

                        break;
                    case "volume":
                        break;
                    case "bind":
                        if (source.Length == 0 || !source.StartsWith("/", StringComparison.Ordinal))
                        {
                            throw ComposeReader.Invalid(item.Mark, $"service '{service}': the bind source '{source}' must be an absolute path on the nodes (a relative path means nothing to a node that runs the task)");
                        }

                        if (Mapping(longForm?["bind"])?["propagation"] is ComposeNode propagation)
                        {
                            mount.BindOptions = new BindOptions { Propagation = propagation.ToString() };
                        }

                        break;
                    case "tmpfs":
                        if (source.Length > 0)
                        {
                            throw ComposeReader.Invalid(item.Mark, $"service '{service}': a tmpfs mount has no source");
                        }

                        if (Mapping(longForm?["tmpfs"])?["size"] is ComposeNode size)
                        {
                            mount.TmpfsOptions = new TmpfsOptions { SizeBytes = MemorySize.Parse(size.ToString() ?? string.Empty, "tmpfs.size") };
                        }

                        break;
                    default:
                        throw ComposeReader.Invalid(item.Mark, $"service '{service}': volume type '{type}' is not volume, bind or tmpfs");
                }

                mounts.Add(mount);
            }

            return mounts;
        }

        private sealed record Reference(string Name, string Target, string Uid, string Gid, uint Mode);

        private static IEnumerable<Reference> References(string service, string kind, ComposeNode? node, IReadOnlyList<StackFileObject> declared)
        {
            foreach (ComposeNode item in Sequence(node)?.Items ?? Array.Empty<ComposeNode>())
            {
                ComposeMapping? longForm = Mapping(item);
                string source = (longForm != null ? longForm["source"] : item)?.ToString() ?? throw ComposeReader.Invalid(item.Mark, $"service '{service}': a {kind} in long form needs source:");
                StackFileObject found = declared.FirstOrDefault(d => d.Key == source)
                    ?? throw ComposeReader.Invalid(item.Mark, $"service '{service}' uses the {kind} '{source}', which the file's {kind}s: section does not declare");
                uint mode = longForm?["mode"] is ComposeNode m ? Convert.ToUInt32(m.ToString(), m.ToString()!.StartsWith("0", StringComparison.Ordinal) ? 8 : 10) : 0x124; // 0444
                yield return new Reference(found.Name, longForm?["target"]?.ToString() ?? source, longForm?["uid"]?.ToString() ?? "0", longForm?["gid"]?.ToString() ?? "0", mode);
            }
        }

        private static IList<NetworkAttachmentConfig> Networks(string stack, string service, ComposeNode? node, ComposeMapping networks, HashSet<string> used)
        {
            var attached = new List<(string Key, IList<string> Aliases)>();
            if (node is ComposeSequence list)
            {
                attached.AddRange(list.Items.Select(i => (i.ToString() ?? string.Empty, (IList<string>)new List<string>())));
            }
            else if (node is ComposeMapping map)
            {
                attached.AddRange(map.Entries.Select(e => (e.Key, (IList<string>)Items(Mapping(e.Value)?["aliases"]).ToList())));
            }

            if (attached.Count == 0)
            {
                attached.Add(("default", new List<string>()));
            }

            var result = new List<NetworkAttachmentConfig>();
            foreach ((string key, IList<string> aliases) in attached)
            {
                ComposeEntry? declared = networks.Entry(key);
                if (declared == null && key != "default")
                {
                    throw ComposeReader.Invalid(node!.Mark, $"service '{service}' joins the network '{key}', which the file's networks: section does not declare");
                }

                used.Add(key);
                ComposeMapping? config = Mapping(declared?.Value);
                string target = config?["name"]?.ToString() ?? (IsTrue(config?["external"]) ? key : Scope(stack, key));
                aliases.Add(service);
                result.Add(new NetworkAttachmentConfig { Target = target, Aliases = aliases });
            }

            return result.OrderBy(n => n.Target, StringComparer.Ordinal).ToList();
        }

        private static HealthcheckConfig? Healthcheck(ComposeMapping? health)
        {
            if (health == null)
            {
                return null;
            }

            if (IsTrue(health["disable"]))
            {
                return new HealthcheckConfig { Test = new List<string> { "NONE" } };
            }

            IList<string>? test = health["test"] switch
            {
                ComposeSequence list => list.Items.Select(i => i.ToString() ?? string.Empty).ToList(),
                ComposeScalar { Value: not null } text => new List<string> { "CMD-SHELL", text.Value! },
                _ => null,
            };
            return new HealthcheckConfig
            {
                Test = test,
                Interval = Ticks(health["interval"]),
                Timeout = Ticks(health["timeout"]),
                StartPeriod = Ticks(health["start_period"]),
                Retries = health["retries"] is ComposeNode retries ? (long)UInt(retries) : null,
            };
        }

        private static ResourceRequirements Resources(ComposeMapping? resources)
        {
            var result = new ResourceRequirements();
            if (Mapping(resources?["limits"]) is ComposeMapping limits)
            {
                result.Limits = new SwarmLimit
                {
                    NanoCPUs = Cpus(limits["cpus"]),
                    MemoryBytes = limits["memory"] is ComposeNode memory ? MemorySize.Parse(memory.ToString() ?? string.Empty, "deploy.resources.limits.memory") : 0,
                    Pids = limits["pids"] is ComposeNode pids ? (long)UInt(pids) : null,
                };
            }

            if (Mapping(resources?["reservations"]) is ComposeMapping reservations)
            {
                result.Reservations = new SwarmResources
                {
                    NanoCPUs = Cpus(reservations["cpus"]),
                    MemoryBytes = reservations["memory"] is ComposeNode memory ? MemorySize.Parse(memory.ToString() ?? string.Empty, "deploy.resources.reservations.memory") : 0,
                };
            }

            return result;
        }

        private static long Cpus(ComposeNode? node)
        {
            if (node == null)
            {
                return 0;
            }

            if (!decimal.TryParse(node.ToString(), NumberStyles.Number, CultureInfo.InvariantCulture, out decimal cpus) || cpus <= 0)
            {
                throw ComposeReader.Invalid(node.Mark, $"cpus '{node}' is not a positive number such as 0.5");
            }

            return (long)Math.Round(cpus * NanoCpusPerCpu);
        }

        private static SwarmRestartPolicy? Restart(ComposeMapping? policy, ComposeNode? legacy)
        {
            if (policy != null)
            {
                return new SwarmRestartPolicy
                {
                    Condition = policy["condition"]?.ToString() ?? string.Empty,
                    Delay = policy["delay"] is ComposeNode delay ? Ticks(delay) : null,
                    MaxAttempts = policy["max_attempts"] is ComposeNode attempts ? UInt(attempts) : null,
                    Window = policy["window"] is ComposeNode window ? Ticks(window) : null,
                };
            }

            return legacy?.ToString() switch
            {
                null or "" or "no" => null,
                "always" or "unless-stopped" => new SwarmRestartPolicy { Condition = "any" },
                "on-failure" => new SwarmRestartPolicy { Condition = "on-failure" },
                string other => throw ComposeReader.Invalid(legacy.Mark, $"restart '{other}' is not no, always, on-failure or unless-stopped"),
            };
        }

        private static SwarmUpdateConfig? Update(ComposeMapping? update)
        {
            if (update == null)
            {
                return null;
            }

            return new SwarmUpdateConfig
            {
                Parallelism = update["parallelism"] is ComposeNode parallel ? UInt(parallel) : 1,
                Delay = Ticks(update["delay"]),
                FailureAction = update["failure_action"]?.ToString() ?? string.Empty,
                Monitor = Ticks(update["monitor"]),
                MaxFailureRatio = update["max_failure_ratio"] is ComposeNode ratio ? float.Parse(ratio.ToString()!, CultureInfo.InvariantCulture) : 0,
                Order = update["order"]?.ToString() ?? string.Empty,
            };
        }

        private static ServiceMode Mode(ComposeMapping deploy)
        {
            string mode = deploy["mode"]?.ToString() ?? "replicated";
            switch (mode)
            {
                case "global":
                    if (deploy["replicas"] != null)
                    {
                        throw ComposeReader.Invalid(deploy["replicas"]!.Mark, "replicas cannot be given with mode: global");
                    }

                    return new ServiceMode { Global = new GlobalService() };
                case "replicated":
                    return new ServiceMode { Replicated = new ReplicatedService { Replicas = deploy["replicas"] is ComposeNode replicas ? UInt(replicas) : 1 } };
                default:
                    throw ComposeReader.Invalid(deploy["mode"]!.Mark, $"deploy mode '{mode}' is not supported: write replicated or global");
            }
        }

        private static TimeSpan? Ticks(ComposeNode? node) =>
            node is ComposeScalar { Value: not null } scalar ? Duration.Parse(scalar.Value!, "duration at " + scalar.Mark) : null;

        private static ulong UInt(ComposeNode node) =>
            ulong.TryParse(node.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong value) ? value
                : throw ComposeReader.Invalid(node.Mark, $"'{node}' is not a whole number");

        internal static string Scope(string stack, string name) => stack + "_" + name;

        private static IDictionary<string, string> WithNamespace(string stack, IDictionary<string, string> labels)
        {
            labels[NamespaceLabel] = stack;
            return labels;
        }

        private static IDictionary<string, string> Strings(ComposeNode? node)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (node != null)
            {
                foreach (ComposeEntry entry in ComposeMerge.AsMapping(node).Entries)
                {
                    result[entry.Key] = (entry.Value as ComposeScalar)?.Value ?? string.Empty;
                }
            }

            return result;
        }

        private static IEnumerable<string> Items(ComposeNode? node) => Sequence(node)?.Items.Select(i => i.ToString() ?? string.Empty) ?? Enumerable.Empty<string>();

        private static bool IsTrue(ComposeNode? node) => node is ComposeScalar { Value: "true" or "True" or "TRUE" or "yes" };

        private static ComposeMapping? Mapping(ComposeNode? node) => node as ComposeMapping;

        private static ComposeSequence? Sequence(ComposeNode? node) => node as ComposeSequence;

        private static ComposeMapping Empty(ComposeMark mark) => new ComposeMapping(Array.Empty<ComposeEntry>(), mark);
    }
}
