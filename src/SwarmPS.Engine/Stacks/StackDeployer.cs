using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Registry;
using SwarmPS.Engine.Workloads;

namespace SwarmPS.Engine.Stacks
{
    /// <summary>What a deployment will do to one service.</summary>
    public sealed record StackServiceStep(string Key, string Name, string Action, ServiceSpec? Spec, SwarmService? Existing, IReadOnlyList<string> Changes, RegistryLogin? Login, string Image);

    /// <summary>A deployment checked against the cluster and not yet applied.</summary>
    public sealed class StackPlan
    {
        internal StackPlan(StackDefinition definition, IReadOnlyList<StackNetwork> networks, IReadOnlyList<StackFileObject> secrets, IReadOnlyList<StackFileObject> configs, IReadOnlyList<StackServiceStep> steps)
        {
            Definition = definition;
            NetworksToCreate = networks;
            SecretsToCreate = secrets;
            ConfigsToCreate = configs;
            Steps = steps;
        }

        public StackDefinition Definition { get; }

        public IReadOnlyList<StackNetwork> NetworksToCreate { get; }

        public IReadOnlyList<StackFileObject> SecretsToCreate { get; }

        public IReadOnlyList<StackFileObject> ConfigsToCreate { get; }

        public IReadOnlyList<StackServiceStep> Steps { get; }

        /// <summary>The plan in words, one line a change, updates field by field.</summary>
        public IReadOnlyList<string> Describe()
        {
            var lines = new List<string>();
            lines.AddRange(NetworksToCreate.Select(n => $"Create network {n.Name} ({n.Create!.Driver})"));
            lines.AddRange(SecretsToCreate.Select(s => $"Create secret {s.Name} from {s.File}"));
            lines.AddRange(ConfigsToCreate.Select(s => $"Create config {s.Name} from {s.File}"));
            foreach (StackServiceStep step in Steps)
            {
                switch (step.Action)
                {
                    case "Create":
                        lines.Add($"Create service {step.Name} ({step.Image})");
                        break;
                    case "Update":
                        lines.Add($"Update service {step.Name}: " + string.Join("; ", step.Changes));
                        break;
                    case "Remove":
                        lines.Add($"Remove service {step.Name} (not in the Compose files)");
                        break;
                }
            }

            return lines;
        }
    }

    /// <summary>
    /// Deploys, lists and removes stacks through the manager's Engine API, as docker stack deploy, ls, services and rm
    /// do: one plan checked whole before anything changes, then networks, secrets and configs, then services, each
    /// updated only where its spec differs.
    /// </summary>
    public sealed class StackDeployer
    {
        private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

        // How long an updated service may show no update of its own before its change is taken as one that replaces no task.
        private static readonly TimeSpan UpdateStartGrace = TimeSpan.FromSeconds(3);

        /// <summary>The login saved for a registry key (Connect-SwarmRegistry's).</summary>
        public Func<string, RegistryLogin?> SavedLogin { get; init; } = key => new RegistryLoginStore().Find(key);

        /// <summary>
        /// Checks every service against the cluster (images resolvable, constraints some node meets, published ports
        /// free, files present) and names every problem at once in StackPlanInvalid; otherwise says what would change.
        /// </summary>
        public async Task<StackPlan> PlanAsync(ClusterContext context, StackDefinition definition, bool prune, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            string stack = definition.Stack;
            reporter.Progress("Reading the cluster's services, networks, secrets and configs", 5);
            IList<SwarmService> services = await manager.ListServicesAsync(null, cancellationToken).ConfigureAwait(false);
            IList<NetworkResponse> networks = await manager.ListNetworksAsync(cancellationToken).ConfigureAwait(false);
            IList<Secret> secrets = await manager.ListSecretsAsync(cancellationToken).ConfigureAwait(false);
            IList<SwarmConfig> configs = await manager.ListConfigsAsync(cancellationToken).ConfigureAwait(false);
            var problems = new List<string>();

            foreach (StackNetwork network in definition.Networks.Where(n => n.External && networks.All(e => e.Name != n.Name)))
            {
                problems.Add($"the external network '{network.Name}' does not exist");
            }

            CheckFileObjects("secret", definition.Secrets, secrets.Select(s => s.Spec?.Name ?? string.Empty), problems);
            CheckFileObjects("config", definition.Configs, configs.Select(c => c.Spec?.Name ?? string.Empty), problems);

            // Published ports held by services outside this deployment, and by two services of it.
            var held = services.Where(s => definition.Services.All(d => d.Spec.Name != s.Spec?.Name))
                .SelectMany(s => (s.Endpoint?.Spec?.Ports ?? s.Spec?.EndpointSpec?.Ports ?? new List<PortConfig>()).Where(p => p.PublishedPort > 0).Select(p => (Port: $"{p.PublishedPort}/{p.Protocol}", Service: s.Spec?.Name ?? string.Empty)))
                .ToList();
            foreach (StackService service in definition.Services)
            {
                foreach (PortConfig port in service.Spec.EndpointSpec?.Ports?.Where(p => p.PublishedPort > 0) ?? Enumerable.Empty<PortConfig>())
                {
                    string key = $"{port.PublishedPort}/{port.Protocol}";
                    foreach (var other in held.Where(h => h.Port == key))
                    {
                        problems.Add($"service '{service.Key}' publishes port {key}, which service '{other.Service}' publishes already");
                    }

                    held.Add((key, service.Spec.Name ?? service.Key));
                }
            }

            var steps = new List<StackServiceStep>();
            var networkNames = networks.Where(n => !string.IsNullOrEmpty(n.ID)).GroupBy(n => n.ID).ToDictionary(g => g.Key, g => g.First().Name ?? g.Key, StringComparer.Ordinal);
            string NameOf(string target) => networkNames.GetValueOrDefault(target, target);
            int index = 0;
            foreach (StackService service in definition.Services)
            {
                reporter.Progress($"Checking service {service.Key}", 10 + (index++ * 60 / Math.Max(1, definition.Services.Count)));
                IReadOnlyList<NodeFacts> matching;
                try
                {
                    matching = WorkloadService.RequireEligibleNodes(service.Spec.Name ?? service.Key, context.Nodes, service.Constraints);
                }
                catch (SwarmException failure)
                {
                    problems.Add($"service '{service.Key}': {failure.Message}");
                    continue;
                }

                ResolvedImage resolved;
                try
                {
                    resolved = await ImageResolver.ResolveAsync(context, service.Spec.Name ?? service.Key, service.Image, null, SavedLogin, matching, needConfig: false, reporter, cancellationToken).ConfigureAwait(false);
                }
                catch (SwarmException failure) when (failure.ErrorId is "ImageNotFound" or "RegistryAuthFailed")
                {
                    problems.Add($"service '{service.Key}': {failure.Message.Replace(" Nothing was created.", string.Empty, StringComparison.Ordinal)}");
                    continue;
                }

                service.Spec.TaskTemplate!.ContainerSpec!.Image = resolved.Reference;
                SwarmService? existing = services.FirstOrDefault(s => s.Spec?.Name == service.Spec.Name);
                if (existing == null)
                {
                    steps.Add(new StackServiceStep(service.Key, service.Spec.Name ?? service.Key, "Create", service.Spec, null, Array.Empty<string>(), resolved.Login, resolved.Reference));
                    continue;
                }

                if (StackLabel(existing.Spec?.Labels) != stack)
                {
                    problems.Add($"service '{service.Spec.Name}' exists already and is not part of stack '{stack}'; remove it or choose another stack name");
                    continue;
                }

                IReadOnlyList<string> changes = StackDiff.Changes(StackDiff.Fields(existing.Spec!, NameOf), StackDiff.Fields(service.Spec, NameOf));
                steps.Add(new StackServiceStep(service.Key, service.Spec.Name ?? service.Key, changes.Count > 0 ? "Update" : "Unchanged", service.Spec, existing, changes, resolved.Login, resolved.Reference));
            }

            if (problems.Count > 0)
            {
                throw new SwarmException("StackPlanInvalid", SwarmErrorKind.InvalidArgument,
                    $"Stack '{stack}' cannot be deployed; nothing was changed:{Environment.NewLine}" + string.Join(Environment.NewLine, problems.Select(p => " - " + p)), stack);
            }

            if (prune)
            {
                foreach (SwarmService gone in services.Where(s => StackLabel(s.Spec?.Labels) == stack && definition.Services.All(d => d.Spec.Name != s.Spec?.Name)))
                {
                    string name = gone.Spec!.Name ?? gone.ID ?? string.Empty;
                    steps.Add(new StackServiceStep(name.StartsWith(stack + "_", StringComparison.Ordinal) ? name.Substring(stack.Length + 1) : name, name, "Remove", null, gone, Array.Empty<string>(), null, gone.Spec.TaskTemplate?.ContainerSpec?.Image ?? string.Empty));
                }
            }

            return new StackPlan(definition,
                definition.Networks.Where(n => !n.External && networks.All(e => e.Name != n.Name)).ToList(),
                definition.Secrets.Where(s => !s.External && secrets.All(e => e.Spec?.Name != s.Name)).ToList(),
                definition.Configs.Where(s => !s.External && configs.All(e => e.Spec?.Name != s.Name)).ToList(),
                steps);
        }

        private static string? StackLabel(IDictionary<string, string>? labels) =>
            labels != null && labels.TryGetValue(StackMapper.NamespaceLabel, out string? stack) ? stack : null;

        private static void CheckFileObjects(string kind, IReadOnlyList<StackFileObject> objects, IEnumerable<string> existing, List<string> problems)
        {
            var names = existing.ToHashSet(StringComparer.Ordinal);
            foreach (StackFileObject item in objects)
            {
                if (item.External && !names.Contains(item.Name))
                {
                    problems.Add($"the external {kind} '{item.Name}' does not exist");
                }
                else if (!item.External && !names.Contains(item.Name) && !File.Exists(item.File))
                {
                    problems.Add($"the file '{item.File}' of {kind} '{item.Key}' does not exist");
                }
            }
        }

        /// <summary>Applies a plan: networks, secrets, configs, then services; waits until every service converged unless <paramref name="noWait"/>.</summary>
        public async Task<IReadOnlyList<SwarmStackDeployment>> ApplyAsync(ClusterContext context, StackPlan plan, bool noWait, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            string stack = plan.Definition.Stack;
            foreach (StackNetwork network in plan.NetworksToCreate)
            {
                reporter.Verbose($"Creating network {network.Name} ({network.Create!.Driver}).");
                await manager.CreateNetworkAsync(network.Create, cancellationToken).ConfigureAwait(false);
            }

            foreach (StackFileObject secret in plan.SecretsToCreate)
            {
                reporter.Verbose($"Creating secret {secret.Name} from {secret.File}.");
                byte[] data = await File.ReadAllBytesAsync(secret.File!, cancellationToken).ConfigureAwait(false);
                try
                {
                    await manager.CreateSecretAsync(new SwarmSecretSpec { Name = secret.Name, Data = data, Labels = new Dictionary<string, string>(secret.Labels) }, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    Array.Clear(data);
                }
            }

            foreach (StackFileObject config in plan.ConfigsToCreate)
            {
                reporter.Verbose($"Creating config {config.Name} from {config.File}.");
                byte[] data = await File.ReadAllBytesAsync(config.File!, cancellationToken).ConfigureAwait(false);
                await manager.CreateConfigAsync(new SwarmConfigSpec { Name = config.Name, Data = data, Labels = new Dictionary<string, string>(config.Labels) }, cancellationToken).ConfigureAwait(false);
            }

            // As docker stack deploy: references carry the ids of the secrets and configs they name.
            var secretIds = (await manager.ListSecretsAsync(cancellationToken).ConfigureAwait(false)).Where(s => s.Spec?.Name != null).GroupBy(s => s.Spec!.Name!).ToDictionary(g => g.Key, g => g.First().ID ?? string.Empty, StringComparer.Ordinal);
            var configIds = (await manager.ListConfigsAsync(cancellationToken).ConfigureAwait(false)).Where(c => c.Spec?.Name != null).GroupBy(c => c.Spec!.Name!).ToDictionary(g => g.Key, g => g.First().ID ?? string.Empty, StringComparer.Ordinal);
            var results = new List<SwarmStackDeployment>();
            var changed = new List<(StackServiceStep Step, DateTime? PreviousUpdate)>();
            int index = 0;
            foreach (StackServiceStep step in plan.Steps)
            {
                reporter.Progress($"{step.Action} {step.Name}", 10 + (index++ * 40 / Math.Max(1, plan.Steps.Count)));
                ContainerSpec? container = step.Spec?.TaskTemplate?.ContainerSpec;
                foreach (SecretReference reference in container?.Secrets ?? new List<SecretReference>())
                {
                    reference.SecretID = secretIds.GetValueOrDefault(reference.SecretName) ?? reference.SecretID;
                }

                foreach (SwarmConfigReference reference in container?.Configs ?? new List<SwarmConfigReference>())
                {
                    reference.ConfigID = configIds.GetValueOrDefault(reference.ConfigName) ?? reference.ConfigID;
                }

                switch (step.Action)
                {
                    case "Create":
                        reporter.Verbose($"Creating service {step.Name} from {step.Image}.");
                        await manager.CreateServiceAsync(step.Spec!, step.Login, cancellationToken).ConfigureAwait(false);
                        changed.Add((step, null));
                        break;
                    case "Update":
                        reporter.Verbose($"Updating service {step.Name}: {string.Join("; ", step.Changes)}.");
                        IReadOnlyList<string> warnings = await manager.UpdateServiceAsync(step.Existing!.ID, step.Existing.Version?.Index ?? 0, step.Spec!, false, step.Login, cancellationToken).ConfigureAwait(false);
                        foreach (string warning in warnings)
                        {
                            reporter.Warning($"{step.Name}: {warning}");
                        }

                        changed.Add((step, step.Existing.UpdateStatus?.StartedAt));
                        break;
                    case "Remove":
                        reporter.Verbose($"Removing service {step.Name}, which the Compose files no longer have.");
                        await manager.RemoveServiceAsync(step.Existing!.ID, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        reporter.Verbose($"Service {step.Name} is as the Compose files say; nothing to change.");
                        break;
                }

                results.Add(new SwarmStackDeployment(stack, step.Key, step.Name, step.Action, step.Action != "Unchanged", step.Image, step.Changes, context.Name));
            }

            if (!noWait)
            {
                var updated = changed.Where(c => c.Step.Action == "Update").ToDictionary(c => c.Step.Name, c => c.PreviousUpdate, StringComparer.Ordinal);
                await WaitForConvergenceAsync(context, plan.Steps.Where(s => s.Action != "Remove").Select(s => s.Name).ToList(), updated, timeout, reporter, cancellationToken).ConfigureAwait(false);
            }

            return results;
        }

        /// <summary>Waits until every named service has its desired tasks running and no update in progress.</summary>
        /// <param name="updated">The services just updated, with the start of the update they had before: until swarm starts the new one (or a short grace passes, for a change that replaces no task), their old tasks do not count.</param>
        private static async Task WaitForConvergenceAsync(ClusterContext context, IReadOnlyList<string> names, IReadOnlyDictionary<string, DateTime?> updated, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            DateTime deadline = DateTime.UtcNow + timeout;
            DateTime graceEnds = DateTime.UtcNow + UpdateStartGrace;
            string waitingFor = string.Empty;
            while (true)
            {
                IList<SwarmService> services = await manager.ListServicesAsync(null, cancellationToken).ConfigureAwait(false);
                IList<TaskResponse> tasks = await manager.ListTasksAsync(null, desiredRunning: true, cancellationToken).ConfigureAwait(false);
                var pending = new List<string>();
                int done = 0;
                foreach (string name in names)
                {
                    SwarmService? service = services.FirstOrDefault(s => s.Spec?.Name == name);
                    if (service == null)
                    {
                        continue;
                    }

                    string? state = service.UpdateStatus?.State;
                    if (state is "paused" or "rollback_paused" or "rollback_completed")
                    {
                        throw new SwarmException("StackUpdateFailed", SwarmErrorKind.InvalidOperation,
                            $"The update of {name} ended '{state}': {service.UpdateStatus?.Message}. See why with Get-SwarmTask {name}.", name);
                    }

                    var own = tasks.Where(t => t.ServiceID == service.ID).ToList();
                    long running = own.Count(t => t.Status?.State == TaskState.Running);
                    long desired = service.Spec?.Mode?.Global != null ? Math.Max(own.Count, 1) : (long)(service.Spec?.Mode?.Replicated?.Replicas ?? 1);
                    bool updating = state is "updating" or "rollback_started"
                        || (updated.TryGetValue(name, out DateTime? before) && (service.UpdateStatus == null || service.UpdateStatus.StartedAt == before) && DateTime.UtcNow < graceEnds);
                    TaskResponse? failed = own.FirstOrDefault(t => t.Status?.State is TaskState.Failed or TaskState.Rejected);
                    if (failed != null && !string.IsNullOrEmpty(failed.Status?.Err))
                    {
                        reporter.Verbose($"{name}: a task {failed.Status?.State.ToString()?.ToLowerInvariant()}: {failed.Status?.Err}");
                    }

                    if (running >= desired && !updating && own.All(t => t.Status?.State == TaskState.Running))
                    {
                        done++;
                    }
                    else
                    {
                        pending.Add($"{name} {running}/{desired}{(updating ? " updating" : string.Empty)}");
                    }
                }

                if (pending.Count == 0)
                {
                    return;
                }

                waitingFor = string.Join(", ", pending);
                reporter.Progress($"Converging: {waitingFor}", 50 + done * 50 / Math.Max(1, names.Count));
                if (DateTime.UtcNow >= deadline)
                {
                    throw new SwarmException("StackConvergeTimeout", SwarmErrorKind.OperationTimeout,
                        $"The stack did not converge within {timeout.TotalSeconds} seconds (still waiting for {waitingFor}). It stays deployed; see why with Get-SwarmTask, or wait with a longer -Timeout.", names.FirstOrDefault());
                }

                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>The stacks of the cluster (or those whose name matches), with their services' replicas and ports.</summary>
        public async Task<IReadOnlyList<SwarmStack>> ListAsync(ClusterContext context, Func<string, bool> wanted, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            IList<SwarmService> services = await manager.ListServicesAsync(null, cancellationToken).ConfigureAwait(false);
            IList<TaskResponse> tasks = await manager.ListTasksAsync(null, desiredRunning: true, cancellationToken).ConfigureAwait(false);
            IList<NetworkResponse> networks = await manager.ListNetworksAsync(cancellationToken).ConfigureAwait(false);
            IList<Secret> secrets = await manager.ListSecretsAsync(cancellationToken).ConfigureAwait(false);
            IList<SwarmConfig> configs = await manager.ListConfigsAsync(cancellationToken).ConfigureAwait(false);
            static string? StackOf(IDictionary<string, string>? labels) => StackLabel(labels);
            return services.Select(s => StackOf(s.Spec?.Labels)).Concat(networks.Select(n => StackOf(n.Labels))).Where(n => n != null).Distinct().Cast<string>()
                .Where(wanted)
                .OrderBy(n => n, StringComparer.Ordinal)
                .Select(stack => new SwarmStack(stack,
                    services.Where(s => StackOf(s.Spec?.Labels) == stack).OrderBy(s => s.Spec!.Name, StringComparer.Ordinal).Select(s =>
                    {
                        var own = tasks.Where(t => t.ServiceID == s.ID).ToList();
                        bool global = s.Spec!.Mode?.Global != null;
                        return new SwarmStackService(stack, s.Spec.Name ?? s.ID ?? string.Empty, s.Spec.TaskTemplate?.ContainerSpec?.Image ?? string.Empty, global ? "global" : "replicated",
                            own.Count(t => t.Status?.State == TaskState.Running), global ? own.Count : (long)(s.Spec.Mode?.Replicated?.Replicas ?? 0),
                            (s.Endpoint?.Ports ?? s.Spec.EndpointSpec?.Ports ?? new List<PortConfig>()).Select(p => $"{(p.PublishedPort > 0 ? p.PublishedPort + ":" : string.Empty)}{p.TargetPort}/{p.Protocol} ({p.PublishMode})").ToList());
                    }).ToList(),
                    networks.Where(n => StackOf(n.Labels) == stack).Select(n => n.Name ?? n.ID ?? string.Empty).OrderBy(n => n, StringComparer.Ordinal).ToList(),
                    secrets.Where(x => StackOf(x.Spec?.Labels) == stack).Select(x => x.Spec!.Name ?? x.ID ?? string.Empty).OrderBy(n => n, StringComparer.Ordinal).ToList(),
                    configs.Where(x => StackOf(x.Spec?.Labels) == stack).Select(x => x.Spec!.Name ?? x.ID ?? string.Empty).OrderBy(n => n, StringComparer.Ordinal).ToList(),
                    context.Name))
                .ToList();
        }

        /// <summary>
        /// Removes a stack as docker stack rm does: its services, then its secrets, configs and networks (retried while
        /// the services' tasks still hold them). Its volumes, on every member, only with <paramref name="removeVolumes"/>.
        /// </summary>
        public async Task RemoveAsync(ClusterContext context, string stack, bool removeVolumes, TimeSpan timeout, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            static bool Ours(IDictionary<string, string>? labels, string name) => StackLabel(labels) == name;
            foreach (SwarmService service in (await manager.ListServicesAsync(null, cancellationToken).ConfigureAwait(false)).Where(s => Ours(s.Spec?.Labels, stack)))
            {
                reporter.Verbose($"Removing service {service.Spec!.Name}.");
                await manager.RemoveServiceAsync(service.ID, cancellationToken).ConfigureAwait(false);
            }

            DateTime deadline = DateTime.UtcNow + timeout;
            foreach (Secret secret in (await manager.ListSecretsAsync(cancellationToken).ConfigureAwait(false)).Where(s => Ours(s.Spec?.Labels, stack)))
            {
                reporter.Verbose($"Removing secret {secret.Spec.Name}.");
                await RetryWhileInUseAsync(() => manager.DeleteSecretAsync(secret.ID, cancellationToken), deadline, cancellationToken).ConfigureAwait(false);
            }

            foreach (SwarmConfig config in (await manager.ListConfigsAsync(cancellationToken).ConfigureAwait(false)).Where(c => Ours(c.Spec?.Labels, stack)))
            {
                reporter.Verbose($"Removing config {config.Spec.Name}.");
                await RetryWhileInUseAsync(() => manager.RemoveConfigAsync(config.ID, cancellationToken), deadline, cancellationToken).ConfigureAwait(false);
            }

            foreach (NetworkResponse network in (await manager.ListNetworksAsync(cancellationToken).ConfigureAwait(false)).Where(n => Ours(n.Labels, stack)))
            {
                reporter.Verbose($"Removing network {network.Name}.");
                await RetryWhileInUseAsync(() => manager.RemoveNetworkAsync(network.ID, cancellationToken), deadline, cancellationToken).ConfigureAwait(false);
            }

            if (!removeVolumes)
            {
                return;
            }

            // Volumes are local to each node: every node at once, each waiting for its own containers to go; a node
            // that fails is reported after the others are done.
            Task[] perNode = context.Members.Select(async member =>
            {
                IDockerEngine engine = await context.Engines.OpenAsync(EngineOpener.EndpointOf(member), reporter, cancellationToken).ConfigureAwait(false);
                foreach (VolumeResponse volume in (await engine.ListVolumesAsync(cancellationToken).ConfigureAwait(false)).Where(v => Ours(v.Labels, stack)))
                {
                    reporter.Verbose($"Removing volume {volume.Name} on {engine.Name}.");
                    await RetryWhileInUseAsync(() => engine.RemoveVolumeAsync(volume.Name, cancellationToken), deadline, cancellationToken).ConfigureAwait(false);
                }
            }).ToArray();
            await Task.WhenAll(perNode).ConfigureAwait(false);
        }

        // An object stays in use until the removed services' containers are gone: retry until the deadline.
        private static async Task RetryWhileInUseAsync(Func<Task<bool>> remove, DateTime deadline, CancellationToken cancellationToken)
        {
            while (true)
            {
                try
                {
                    await remove().ConfigureAwait(false);
                    return;
                }
                catch (SwarmException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
