using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Registry;

namespace SwarmPS.Engine.Workloads
{
    /// <summary>
    /// Runs containers as swarm services (swarm's scheduler places them; SwarmPS only checks beforehand
    /// that some node can take them) and lists containers across the cluster's nodes.
    /// </summary>
    public sealed class WorkloadService
    {
        private const string ManagedLabel = "io.swarmps.managed";
        private const string ServiceLabel = "io.swarmps.service";

        /// <summary>The login saved for a registry key (Connect-SwarmRegistry's), read when an image is resolved.</summary>
        public Func<string, RegistryLogin?> SavedLogin { get; init; } = key => new RegistryLoginStore().Find(key);

        public async Task<IReadOnlyList<SwarmContainer>> CreateAsync(ClusterContext context, ContainerRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            IReadOnlyList<NodeListResponse> nodes = context.Nodes;

            SwarmService? existing = (await manager.ListServicesAsync(request.Name, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            if (existing != null)
            {
                string image = existing.Spec?.TaskTemplate?.ContainerSpec?.Image ?? string.Empty;
                if (!SameImage(image, request.Image))
                {
                    throw new SwarmException("ContainerExists", SwarmErrorKind.ResourceExists,
                        $"A container named '{request.Name}' already runs image '{image}' in cluster '{context.Name}'. Remove it first (Remove-SwarmContainer {request.Name}) or choose another name.", request.Name);
                }

                ServicePlacement.RequireSameMode(request.Name, existing.Spec, request.Settings.Global);
                reporter.Verbose($"'{request.Name}' already exists with image {image}; nothing to create.");
                ulong replicas = ServicePlacement.ExpectedTasks(existing.Spec, nodes);
                return await WaitForTasksAsync(context, existing.ID ?? string.Empty, existing.Spec, replicas, request, changed: false, reporter, cancellationToken).ConfigureAwait(false);
            }

            ServicePlacement.RequireModeSettings(request.Name, request.Settings.Global == true, request.Settings);
            IReadOnlyList<NodeFacts> matching = RequireEligibleNodes(request.Name, nodes, request.Constraints);
            // Mode, replicas and placement only: the image and secrets do not change where tasks can go.
            ServiceSpec placement = BuildSpec(
                request with { Settings = new ContainerSettings { Global = request.Settings.Global, PlacementPreferences = request.Settings.PlacementPreferences, MaxReplicasPerNode = request.Settings.MaxReplicasPerNode } },
                Array.Empty<PortSpec>(), Array.Empty<SecretReference>());
            ServicePlacement.RequireRoom(request.Name, placement, matching);
            ServicePlacement.WarnUnusedPreferences(request.Name, placement, matching, reporter);

            // The cluster secrets and configs it references exist (SecretNotFound before anything is created).
            request = request with { Settings = await Objects.ClusterObjectService.ResolveAsync(manager, request.Name, request.Settings, cancellationToken).ConfigureAwait(false) };
            // The networks it joins are the swarm's (NetworkNotFound, NetworkNotOverlay before anything is created).
            request = request with { Settings = await Networking.NetworkService.ResolveAsync(manager, request.Name, request.Settings, cancellationToken).ConfigureAwait(false) };

            reporter.Verbose($"Nodes that satisfy the constraints: {string.Join(", ", matching.Select(n => n.Hostname))}.");
            await Storage.BindSources.RequireAsync(context, request.Name, request.Settings.Mounts, matching, reporter, cancellationToken).ConfigureAwait(false);
            if (request.Settings.HasReservation)
            {
                // Swarm would leave a task whose reservation fits nowhere pending for ever: say so now.
                IList<TaskResponse> running = await manager.ListTasksAsync(null, desiredRunning: true, cancellationToken).ConfigureAwait(false);
                ResourceFit.Require(request.Name, request.Settings, nodes.Where(n => matching.Any(m => m.Id == n.ID)).ToList(), running);
            }

            ResolvedImage resolved = await ImageResolver.ResolveAsync(context, request.Name, request.Image, request.Settings.RegistryCredential, SavedLogin,
                matching, request.PublishAllPorts, reporter, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<PortSpec> ports = PortsToPublish(request, resolved.Local, reporter);

            var secretReferences = new List<SecretReference>();
            string serviceId;
            ServiceSpec spec;
            try
            {
                foreach (KeyValuePair<string, byte[]> secret in request.Secrets)
                {
                    secretReferences.Add(await CreateSecretAsync(manager, request.Name, secret.Key, secret.Value, reporter, cancellationToken).ConfigureAwait(false));
                }

                spec = BuildSpec(request with { Image = resolved.Reference }, ports, secretReferences);
                reporter.Progress("Creating the service", 30);
                reporter.Verbose($"Creating service '{request.Name}' from {request.Image}{(request.Constraints.Count > 0 ? " with constraints " + string.Join(", ", request.Constraints.Select(c => c.ToSwarm())) : string.Empty)}.");
                serviceId = await manager.CreateServiceAsync(spec, resolved.Login, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception failure) when (failure is SwarmException || failure is OperationCanceledException)
            {
                // Nothing half-applied: the secrets made for this service go with it, even after Ctrl+C.
                foreach (SecretReference secret in secretReferences)
                {
                    await DeleteSecretWhenFreeAsync(manager, secret.SecretID, CancellationToken.None).ConfigureAwait(false);
                }

                throw;
            }
            finally
            {
                foreach (byte[] value in request.Secrets.Values)
                {
                    Array.Clear(value);
                }
            }

            if (request.NoWait)
            {
                return new[] { new SwarmContainer(new SwarmContainerData { Name = request.Name, ServiceId = serviceId, Image = request.Image, State = "pending", Cluster = context.Name, Changed = true }) };
            }

            return await WaitForTasksAsync(context, serviceId, spec, ServicePlacement.ExpectedTasks(spec, nodes), request, changed: true, reporter, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The service spec for a request: SwarmPS's label, the image, arguments, environment, secrets, constraints and host-mode ports.</summary>
        internal static ServiceSpec BuildSpec(ContainerRequest request, IReadOnlyList<PortSpec> ports, IReadOnlyList<SecretReference> secrets)
        {
            var spec = new ServiceSpec
            {
                Name = request.Name,
                Labels = new Dictionary<string, string> { [ManagedLabel] = "true" },
                TaskTemplate = new TaskSpec
                {
                    ContainerSpec = new ContainerSpec { Secrets = secrets.Count > 0 ? secrets.ToList() : null },
                    Placement = new Placement(),
                },
            };
            return ServiceSpecEditor.Apply(spec, request.Settings with
            {
                Replicas = request.Settings.Global == true ? null : request.Replicas,
                Image = request.Image,
                Command = request.Command,
                SetEnvironment = request.Environment,
                Publish = ports,
                Constraints = request.Constraints,
            });
        }

        /// <summary>
        /// The cluster's containers, sorted by node and name. The swarm's tasks come from the manager (its services and
        /// tasks, and the node list the context holds) in the same few calls whatever the cluster's size; running ones
        /// only, unless <paramref name="all"/>, which adds stopped tasks and those without a container. With
        /// <paramref name="includeStandalone"/>, every member's engine is asked too, for the containers started outside
        /// the swarm that only it knows. Without a reachable manager, every member's engine is asked for all its
        /// containers instead, with a warning.
        /// </summary>
        public async Task<IReadOnlyList<SwarmContainer>> ListAsync(ClusterContext context, bool all, bool includeStandalone, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine? manager = context.Manager;
            if (manager == null)
            {
                reporter.Warning($"No manager of cluster '{context.Name}' answers; listing the containers each member's engine knows instead.");
                return Sorted(await ListOnMembersAsync(context, all, standaloneOnly: false, reporter, cancellationToken).ConfigureAwait(false));
            }

            if (!includeStandalone)
            {
                return Sorted(await ListTasksAsync(context, all, null, reporter, cancellationToken).ConfigureAwait(false));
            }

            // Every node is asked anyway: its docker ps also gives the health of every swarm container on it, even one
            // whose health check comes from its image alone.
            IReadOnlyList<SwarmContainer> onMembers = await ListOnMembersAsync(context, all, standaloneOnly: false, reporter, cancellationToken).ConfigureAwait(false);
            var health = onMembers.Where(c => c.ServiceId.Length > 0 && c.ContainerId.Length > 0)
                .GroupBy(c => c.ContainerId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.First().Health, StringComparer.Ordinal);
            IReadOnlyList<SwarmContainer> tasks = await ListTasksAsync(context, all, health, reporter, cancellationToken).ConfigureAwait(false);
            return Sorted(tasks.Concat(onMembers.Where(c => c.ServiceId.Length == 0)));
        }

        /// <summary>The containers started on members outside the swarm (no swarm service behind them), from every member's engine in parallel.</summary>
        public Task<IReadOnlyList<SwarmContainer>> ListStandaloneAsync(ClusterContext context, bool all, IOperationReporter reporter, CancellationToken cancellationToken) =>
            ListOnMembersAsync(context, all, standaloneOnly: true, reporter, cancellationToken);

        /// <summary>The swarm's tasks as containers: the services and tasks (read with the node list when the command asked for them), a further call only when a task names a node the context does not know yet.</summary>
        /// <param name="knownHealth">The health of containers by id when every node was asked already; null to ask the nodes of health-checked services.</param>
        private static async Task<IReadOnlyList<SwarmContainer>> ListTasksAsync(ClusterContext context, bool all, IReadOnlyDictionary<string, string>? knownHealth, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            Task<IList<SwarmService>> services = context.ListServicesAsync(cancellationToken);
            Task<IList<TaskResponse>> tasks = context.ListTasksAsync(desiredRunning: !all, cancellationToken);
            await Task.WhenAll(services, tasks).ConfigureAwait(false);

            var names = (await services.ConfigureAwait(false))
                .Where(s => !string.IsNullOrEmpty(s.ID))
                .ToDictionary(s => s.ID, s => s.Spec?.Name ?? s.ID, StringComparer.Ordinal);
            var modes = (await services.ConfigureAwait(false))
                .Where(s => !string.IsNullOrEmpty(s.ID))
                .ToDictionary(s => s.ID, s => ServicePlacement.ModeOf(s.Spec), StringComparer.Ordinal);
            var checkedServices = new HashSet<string>((await services.ConfigureAwait(false)).Where(HasHealthCheck).Select(s => s.ID), StringComparer.Ordinal);

            // Like docker ps: running containers, and with -All every task the manager still has. A task whose service
            // went between the two calls is being removed.
            var listed = (await tasks.ConfigureAwait(false))
                .Where(t => all || (t.Status?.State == TaskState.Running && !string.IsNullOrEmpty(t.Status.ContainerStatus?.ContainerID)))
                .Select(t => (Task: t, Service: names.GetValueOrDefault(t.ServiceID ?? string.Empty)))
                .Where(t => t.Service != null)
                .ToList();
            IReadOnlyList<NodeListResponse> nodes = await NodesOfAsync(context, listed.Select(t => t.Task), cancellationToken).ConfigureAwait(false);
            IReadOnlyDictionary<string, string> health = knownHealth
                ?? await HealthAsync(context, listed.Select(t => t.Task).Where(t => checkedServices.Contains(t.ServiceID ?? string.Empty)), reporter, cancellationToken).ConfigureAwait(false);
            DateTime now = DateTime.UtcNow;
            return listed
                .Select(t => ContainerMapper.FromTask(t.Task, t.Service!, nodes.FirstOrDefault(n => n.ID == t.Task.NodeID), context.Name, now,
                    health: health.GetValueOrDefault(t.Task.Status?.ContainerStatus?.ContainerID ?? string.Empty, string.Empty),
                    mode: modes.GetValueOrDefault(t.Task.ServiceID ?? string.Empty, string.Empty)))
                .ToList();
        }

        /// <summary>
        /// The health of running health-checked containers, by container id. Only the engine of a node that runs one
        /// knows it (the manager's tasks do not carry it), so each such node is asked once, in parallel; a service
        /// without a health check costs no call.
        /// </summary>
        private static async Task<IReadOnlyDictionary<string, string>> HealthAsync(ClusterContext context, IEnumerable<TaskResponse> tasks, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            var wanted = tasks.Where(t => t.Status?.State == TaskState.Running && !string.IsNullOrEmpty(t.Status.ContainerStatus?.ContainerID)).ToList();
            IEnumerable<Task<IEnumerable<KeyValuePair<string, string>>>> perNode = wanted.GroupBy(t => t.NodeID ?? string.Empty).Select(async group =>
            {
                ClusterMember? member = context.MemberOfNode(group.Key);
                if (member == null)
                {
                    return Enumerable.Empty<KeyValuePair<string, string>>();
                }

                try
                {
                    IDockerEngine engine = await context.Engines.OpenAsync(EngineOpener.EndpointOf(member), reporter, cancellationToken).ConfigureAwait(false);
                    IList<ContainerListResponse> containers = await engine.ListContainersAsync(false, cancellationToken).ConfigureAwait(false);
                    var ids = new HashSet<string>(group.Select(t => t.Status!.ContainerStatus!.ContainerID), StringComparer.Ordinal);
                    return containers.Where(c => ids.Contains(c.ID)).Select(c => new KeyValuePair<string, string>(c.ID, ContainerMapper.HealthOf(c.Status))).ToList();
                }
                catch (SwarmException failure)
                {
                    reporter.Warning($"The health of the containers on {member.Name} is unknown: {failure.Message}");
                    return Enumerable.Empty<KeyValuePair<string, string>>();
                }
            });
            return (await Task.WhenAll(perNode).ConfigureAwait(false)).SelectMany(pairs => pairs).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        }

        private static bool HasHealthCheck(SwarmService service)
        {
            IList<string>? test = service.Spec?.TaskTemplate?.ContainerSpec?.Healthcheck?.Test;
            return test != null && test.Count > 0 && test[0] != "NONE";
        }

        /// <summary>Containers from every member's engine in parallel, as docker ps on each; a member that does not answer is skipped with a warning.</summary>
        private static async Task<IReadOnlyList<SwarmContainer>> ListOnMembersAsync(ClusterContext context, bool all, bool standaloneOnly, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IEnumerable<Task<IReadOnlyList<SwarmContainer>>> perNode = context.Members.Select(async member =>
            {
                try
                {
                    IDockerEngine engine = await context.Engines.OpenAsync(EngineOpener.EndpointOf(member), reporter, cancellationToken).ConfigureAwait(false);
                    Task<SystemInfoResponse> info = engine.GetInfoAsync(cancellationToken);
                    IList<ContainerListResponse> containers = await engine.ListContainersAsync(all, cancellationToken).ConfigureAwait(false);
                    string node = (await info.ConfigureAwait(false)).Name ?? member.Name;
                    return (IReadOnlyList<SwarmContainer>)containers
                        .Select(c => ContainerMapper.Map(c, node, member.Address, context.Name))
                        .Where(c => !standaloneOnly || string.IsNullOrEmpty(c.ServiceId))
                        .ToList();
                }
                catch (SwarmException failure)
                {
                    reporter.Warning($"Skipping {member.Name}: {failure.Message}");
                    return Array.Empty<SwarmContainer>();
                }
            });
            IReadOnlyList<SwarmContainer>[] lists = await Task.WhenAll(perNode).ConfigureAwait(false);
            return lists.SelectMany(l => l).ToList();
        }

        private static IReadOnlyList<SwarmContainer> Sorted(IEnumerable<SwarmContainer> containers) => containers
            .OrderBy(c => c.Node, StringComparer.OrdinalIgnoreCase)
            .ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .ThenBy(c => c.ContainerName, StringComparer.OrdinalIgnoreCase)
            .ToList();

        /// <summary>The context's node list, read again only when one of <paramref name="tasks"/> runs on a node it does not know (one that joined since).</summary>
        private static async Task<IReadOnlyList<NodeListResponse>> NodesOfAsync(ClusterContext context, IEnumerable<TaskResponse> tasks, CancellationToken cancellationToken)
        {
            IReadOnlyList<NodeListResponse> nodes = context.Nodes;
            var known = new HashSet<string>(nodes.Select(n => n.ID ?? string.Empty), StringComparer.Ordinal);
            return tasks.Any(t => !string.IsNullOrEmpty(t.NodeID) && !known.Contains(t.NodeID))
                ? await context.RefreshNodesAsync(cancellationToken).ConfigureAwait(false)
                : nodes;
        }

        /// <summary>Removes a swarm service (and the secrets SwarmPS made for it), or a plain container on its node.</summary>
        public async Task RemoveAsync(ClusterContext context, SwarmContainer container, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            if (!string.IsNullOrEmpty(container.ServiceId))
            {
                IDockerEngine manager = context.RequireManager();
                reporter.Verbose($"Removing service '{container.Name}'.");
                if (!await manager.RemoveServiceAsync(container.ServiceId, cancellationToken).ConfigureAwait(false))
                {
                    reporter.Verbose($"Service '{container.Name}' was already gone.");
                }

                await WaitUntilContainersGoneAsync(context, container.ServiceId, reporter, cancellationToken).ConfigureAwait(false);
                IList<Secret> secrets = await manager.ListSecretsAsync(cancellationToken).ConfigureAwait(false);
                foreach (Secret secret in secrets.Where(s => s.Spec?.Labels != null && s.Spec.Labels.TryGetValue(ServiceLabel, out string? owner) && owner == container.Name))
                {
                    reporter.Verbose($"Removing secret '{secret.Spec.Name}'.");
                    await DeleteSecretWhenFreeAsync(manager, secret.ID, cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            IDockerEngine engine = await EngineOfAsync(context, container, reporter, cancellationToken).ConfigureAwait(false);
            reporter.Verbose($"Removing container {container.ContainerName} on {container.Node}.");
            await engine.RemoveContainerAsync(container.ContainerId, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>The names of the cluster's services (one per container name users give).</summary>
        public async Task<IReadOnlyList<string>> ServiceNamesAsync(ClusterContext context, CancellationToken cancellationToken) =>
            (await context.RequireManager().ListServicesAsync(null, cancellationToken).ConfigureAwait(false))
                .Select(s => s.Spec?.Name ?? string.Empty)
                .Where(n => n.Length > 0)
                .OrderBy(n => n, StringComparer.OrdinalIgnoreCase)
                .ToList();

        /// <summary>A SwarmPS service by name even when it has no container (pending, failed): what Remove-SwarmContainer needs.</summary>
        public async Task<SwarmContainer?> FindServiceByNameAsync(ClusterContext context, string name, CancellationToken cancellationToken)
        {
            SwarmService? service = (await context.RequireManager().ListServicesAsync(name, cancellationToken).ConfigureAwait(false)).FirstOrDefault();
            return service == null ? null : new SwarmContainer(new SwarmContainerData
            {
                Name = name,
                ServiceId = service.ID ?? string.Empty,
                Image = service.Spec?.TaskTemplate?.ContainerSpec?.Image?.Split('@')[0] ?? string.Empty,
                State = "no container",
                Cluster = context.Name,
            });
        }

        /// <summary>
        /// The tasks of the services whose names <paramref name="selects"/> takes, as docker service ps lists them: by
        /// service name, then slot, the newest task of each slot first; with <paramref name="latest"/> only that newest
        /// one. Each says in plain words why it is not running. Two Engine API calls (three when a task is on a node the
        /// context has not listed), however many services and tasks.
        /// </summary>
        /// <returns>The names of the services taken, and their tasks.</returns>
        public async Task<(IReadOnlyList<string> Services, IReadOnlyList<SwarmTask> Tasks)> TasksAsync(ClusterContext context, Func<string, bool> selects, bool latest, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(selects);
            IDockerEngine manager = context.RequireManager();
            IList<SwarmService> services = await manager.ListServicesAsync(null, cancellationToken).ConfigureAwait(false);
            List<SwarmService> chosen = services
                .Where(s => selects(s.Spec?.Name ?? string.Empty))
                .OrderBy(s => s.Spec?.Name, StringComparer.OrdinalIgnoreCase)
                .ToList();
            if (chosen.Count == 0)
            {
                return (Array.Empty<string>(), Array.Empty<SwarmTask>());
            }

            // Every task of the swarm, not only the chosen services': the reasons count what the others reserve and hold.
            List<TaskResponse> all = (await manager.ListTasksAsync(null, desiredRunning: false, cancellationToken).ConfigureAwait(false)).ToList();
            IReadOnlyList<NodeListResponse> nodes = context.Nodes;
            var ids = new HashSet<string>(chosen.Select(s => s.ID ?? string.Empty), StringComparer.Ordinal);
            if (all.Any(t => ids.Contains(t.ServiceID ?? string.Empty) && !string.IsNullOrEmpty(t.NodeID) && !nodes.Any(n => n.ID == t.NodeID)))
            {
                nodes = await context.RefreshNodesAsync(cancellationToken).ConfigureAwait(false);
            }

            var tasks = new List<SwarmTask>();
            foreach (SwarmService service in chosen)
            {
                string name = service.Spec?.Name ?? string.Empty;
                IEnumerable<TaskResponse> own = all.Where(t => t.ServiceID == service.ID);
                tasks.AddRange(TaskMapper.Order(own, latest).Select(t => TaskMapper.Map(t, name, service.Spec, nodes, all, context.Name)));
            }

            return (chosen.Select(s => s.Spec?.Name ?? string.Empty).ToList(), tasks);
        }

        /// <summary>
        /// Streams a container's log, each line led by the node/name of the container that wrote it. A swarm task's
        /// log comes from the manager's service log: only that task's lines, or with <paramref name="everyReplica"/>
        /// every task of its service, merged. A container outside the swarm, or any container when no manager
        /// answers, is read on its node's engine.
        /// </summary>
        public async Task StreamLogsAsync(ClusterContext context, SwarmContainer container, bool everyReplica, LogOptions options, Action<string> onLine, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine? manager = context.Manager;
            if (!string.IsNullOrEmpty(container.ServiceId) && (manager != null || string.IsNullOrEmpty(container.ContainerId)))
            {
                manager ??= context.RequireManager();
                IList<TaskResponse> tasks = await manager.ListTasksAsync(container.ServiceId, desiredRunning: false, cancellationToken).ConfigureAwait(false);
                IReadOnlyList<NodeListResponse> nodes = await NodesOfAsync(context, tasks, cancellationToken).ConfigureAwait(false);
                bool tty = tasks.Any(t => t.Spec?.ContainerSpec?.TTY == true);
                string? onlyTask = everyReplica ? null : container.TaskId;
                reporter.Verbose(onlyTask == null
                    ? $"Reading the log of every replica of '{container.Name}' through the manager."
                    : $"Reading the log of {container.ContainerName} through the manager.");
                var writer = new ServiceLogWriter(container.Name, tasks.ToList(), nodes, options.Timestamps, onlyTask, onLine);
                await manager.StreamServiceLogsAsync(container.ServiceId, tty, options, writer.Add, cancellationToken).ConfigureAwait(false);
                return;
            }

            IDockerEngine engine = await EngineOfAsync(context, container, reporter, cancellationToken).ConfigureAwait(false);
            string source = $"{container.Node}/{ReplicaNameOf(container)}";
            await engine.StreamContainerLogsAsync(container.ContainerId, options, raw => onLine(LogLines.Prefix(raw, source, options.Timestamps)), cancellationToken).ConfigureAwait(false);
        }

        /// <summary>A container's name in a log: service.slot for a swarm task (its container name without the task id), else its name.</summary>
        private static string ReplicaNameOf(SwarmContainer container)
        {
            string suffix = "." + container.TaskId;
            return container.TaskId.Length > 0 && container.ContainerName.EndsWith(suffix, StringComparison.Ordinal)
                ? container.ContainerName.Substring(0, container.ContainerName.Length - suffix.Length)
                : container.Name;
        }

        /// <summary>Image tags present on the cluster's nodes (for completion).</summary>
        public async Task<IReadOnlyList<string>> ImageTagsAsync(ClusterContext context, CancellationToken cancellationToken)
        {
            // All nodes at once: completion has a short time budget.
            IList<ImagesListResponse>[] perNode = await Task.WhenAll(context.Members.Select(async member =>
            {
                IDockerEngine engine = await context.Engines.OpenAsync(EngineOpener.EndpointOf(member), NullReporter.Instance, cancellationToken).ConfigureAwait(false);
                return await engine.ListImagesAsync(cancellationToken).ConfigureAwait(false);
            })).ConfigureAwait(false);
            return perNode.SelectMany(images => images)
                .SelectMany(i => i.RepoTags ?? new List<string>())
                .Where(t => t != "<none>:<none>")
                .Distinct(StringComparer.Ordinal)
                .OrderBy(t => t, StringComparer.Ordinal)
                .ToList();
        }

        /// <summary>The engine of the node a container runs on.</summary>
        private static async Task<IDockerEngine> EngineOfAsync(ClusterContext context, SwarmContainer container, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            ClusterMember member = context.Members.FirstOrDefault(m => m.Address == container.Address)
                ?? throw new SwarmException("NodeNotFound", SwarmErrorKind.ObjectNotFound, $"No member of cluster '{context.Name}' has address {container.Address}.", container.Node);
            return await context.Engines.OpenAsync(EngineOpener.EndpointOf(member), reporter, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Swarm stops a removed service's containers in the background; wait until none runs, so a listing right after is true.</summary>
        private async Task WaitUntilContainersGoneAsync(ClusterContext context, string serviceId, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            reporter.Verbose("Waiting until the service's containers have stopped.");
            IDockerEngine manager = context.RequireManager();
            DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                // Every task, not the service's: the engine refuses a filter on a service that is gone. A task keeps
                // its place until its container is down; the manager drops it after that.
                IList<TaskResponse> tasks = await manager.ListTasksAsync(null, desiredRunning: false, cancellationToken).ConfigureAwait(false);
                if (!tasks.Any(t => t.ServiceID == serviceId && t.Status?.State is TaskState state && state <= TaskState.Running))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }

            reporter.Warning("The service is removed, but some of its containers are still stopping.");
        }

        private static IReadOnlyList<PortSpec> PortsToPublish(ContainerRequest request, ImageInspectResponse? image, IOperationReporter reporter)
        {
            var ports = request.Publish.ToList();
            if (request.PublishAllPorts && image?.Config?.ExposedPorts != null)
            {
                foreach (string exposed in image.Config.ExposedPorts.Keys)
                {
                    PortSpec port = PortSpec.Parse(exposed);
                    if (!ports.Any(p => p.Target == port.Target && p.Protocol == port.Protocol))
                    {
                        ports.Add(port);
                    }
                }
            }

            if (request.PublishAllPorts && image == null)
            {
                reporter.Warning($"-PublishAllPorts: no node has image '{request.Image}' yet, so the ports it exposes cannot be read; none is published. Give them with -Publish.");
            }
            else if (request.PublishAllPorts && ports.Count == 0)
            {
                reporter.Warning($"-PublishAllPorts: image '{request.Image}' exposes no port, so none is published.");
            }

            return ports;
        }

        private static async Task<SecretReference> CreateSecretAsync(IDockerEngine manager, string service, string name, byte[] value, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            string secretName = $"{service}_{name}";
            reporter.Verbose($"Creating swarm secret '{secretName}', mounted at /run/secrets/{name}.");
            string id = await manager.CreateSecretAsync(
                new SwarmSecretSpec { Name = secretName, Data = value, Labels = new Dictionary<string, string> { [ManagedLabel] = "true", [ServiceLabel] = service } },
                cancellationToken).ConfigureAwait(false);
            return new SecretReference
            {
                SecretID = id,
                SecretName = secretName,
                File = new SecretReferenceFileTarget { Name = name, UID = "0", GID = "0", Mode = 0x124 /* 0444 */ },
            };
        }

        private static async Task DeleteSecretWhenFreeAsync(IDockerEngine manager, string id, CancellationToken cancellationToken)
        {
            // A secret stays in use until the service's tasks are gone: retry briefly.
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    await manager.DeleteSecretAsync(id, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (SwarmException) when (attempt < 20)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>
        /// Waits, with progress, until <paramref name="replicas"/> tasks run; fails fast on a failed or rejected task.
        /// A task that is not running is reported, and the wait given up, with the reason in plain words (<see cref="TaskReasons"/>).
        /// </summary>
        internal static async Task<IReadOnlyList<SwarmContainer>> WaitForTasksAsync(ClusterContext context, string serviceId, ServiceSpec? spec, ulong replicas, ContainerRequest request, bool changed, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            DateTime deadline = DateTime.UtcNow + request.StartTimeout;
            TaskResponse? waiting = null;
            while (DateTime.UtcNow < deadline)
            {
                IList<TaskResponse> tasks = await manager.ListTasksAsync(serviceId, desiredRunning: false, cancellationToken).ConfigureAwait(false);
                List<TaskResponse> running = tasks
                    .Where(t => t.Status?.State == TaskState.Running && t.DesiredState == TaskState.Running)
                    .OrderBy(t => t.Slot)
                    .ToList();
                // Exactly as many, as the Docker CLI's convergence check counts: right after a scale-down swarm may not yet
                // have told the extra replicas to stop, and they must not be reported as kept.
                if ((ulong)running.Count == replicas)
                {
                    IReadOnlyList<NodeListResponse> nodes = await NodesOfAsync(context, running, cancellationToken).ConfigureAwait(false);
                    DateTime now = DateTime.UtcNow;
                    var containers = running.Select(t => ContainerMapper.FromTask(t, request.Name, nodes.FirstOrDefault(n => n.ID == t.NodeID), context.Name, now, changed, mode: spec == null ? string.Empty : ServicePlacement.ModeOf(spec))).ToList();
                    reporter.Verbose($"'{request.Name}' runs on {string.Join(", ", containers.Select(c => c.Node))}.");
                    return containers;
                }

                TaskResponse? newest = tasks.OrderByDescending(t => t.CreatedAt).FirstOrDefault();
                if (newest != null)
                {
                    // The task worth talking about: the newest that should run and does not (a pending replica), else the newest.
                    waiting = tasks.Where(t => t.DesiredState == TaskState.Running && t.Status?.State != TaskState.Running)
                        .OrderByDescending(t => t.CreatedAt)
                        .FirstOrDefault() ?? newest;
                    reporter.Progress($"{running.Count} of {replicas} running; {StateAndReason(waiting, TaskReasons.Explain(waiting, spec, context.Nodes))}", (int)(running.Count * 100 / (long)Math.Max(1UL, replicas)));
                    if (newest.Status?.State is TaskState.Failed or TaskState.Rejected)
                    {
                        throw new SwarmException("ContainerStartFailed", SwarmErrorKind.InvalidOperation,
                            $"'{request.Name}' did not start: {ReasonAndSwarmText(newest, TaskReasons.Explain(newest, spec, context.Nodes))}. The service stays so you can inspect it (Get-SwarmTask {request.Name}); remove it with Remove-SwarmContainer {request.Name}.", request.Name);
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }

            string last = "no task yet";
            if (waiting != null)
            {
                last = StateAndReason(waiting, ReasonAndSwarmText(waiting, TaskReasons.Explain(waiting, spec, context.Nodes, await AllTasksOrNoneAsync(manager, reporter, cancellationToken).ConfigureAwait(false))));
            }

            throw new SwarmException("ContainerStartTimeout", SwarmErrorKind.OperationTimeout,
                $"'{request.Name}' did not reach running within {request.StartTimeout.TotalSeconds} seconds (last: {last}). It stays in the cluster; watch it with Get-SwarmTask {request.Name} or remove it with Remove-SwarmContainer {request.Name}.", request.Name);
        }

        /// <summary>Every task of the swarm, for the free resources and held ports a reason names; null when they cannot be read.</summary>
        private static async Task<IReadOnlyList<TaskResponse>?> AllTasksOrNoneAsync(IDockerEngine manager, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            try
            {
                return (await manager.ListTasksAsync(null, desiredRunning: false, cancellationToken).ConfigureAwait(false)).ToList();
            }
            catch (SwarmException failure)
            {
                // The reason is still right without the details; the listing's failure must not hide it.
                reporter.Debug($"Could not list the swarm's tasks for the details: {failure.Message}");
                return null;
            }
        }

        /// <summary>pending: no node matches storage==nvme; or the state and swarm's message when there is no reason.</summary>
        private static string StateAndReason(TaskResponse task, string reason)
        {
            string state = TaskMapper.StateText(task.Status?.State);
            string said = reason.Length > 0 ? reason : task.Status?.Message ?? string.Empty;
            if (reason.Length == 0 && task.Status?.State == TaskState.Preparing)
            {
                // Swarm says only "preparing" while the node pulls the image: say what it waits for.
                said = $"pulling {(task.Spec?.ContainerSpec?.Image ?? "the image").Split('@')[0]} where the node lacks it";
            }

            return said.Length == 0 || string.Equals(said, state, StringComparison.OrdinalIgnoreCase) ? state : $"{state}: {said}";
        }

        /// <summary>The reason, and swarm's own text after it when that says something else, so either can be searched for.</summary>
        private static string ReasonAndSwarmText(TaskResponse task, string reason)
        {
            string error = task.Status?.Err ?? string.Empty;
            if (reason.Length == 0)
            {
                return error.Length > 0 ? error : task.Status?.Message ?? string.Empty;
            }

            return error.Length == 0 || error == reason ? reason : $"{reason}; swarm said: {error}";
        }

        /// <summary>The active, ready nodes that meet every constraint; none is NoNodeMatchesConstraint, since swarm would leave the task pending for ever.</summary>
        internal static IReadOnlyList<NodeFacts> RequireEligibleNodes(string container, IReadOnlyList<NodeListResponse> nodes, IReadOnlyList<PlacementConstraint> constraints)
        {
            IReadOnlyList<NodeFacts> schedulable = Schedulable(nodes);
            IReadOnlyList<NodeFacts> matching = ConstraintMatcher.Matching(constraints, schedulable);
            return matching.Count > 0
                ? matching
                : throw new SwarmException("NoNodeMatchesConstraint", SwarmErrorKind.ResourceUnavailable, ConstraintMatcher.ExplainNoMatch(constraints, schedulable), container);
        }

        /// <summary>The active, ready nodes, where swarm places tasks.</summary>
        internal static IReadOnlyList<NodeFacts> Schedulable(IReadOnlyList<NodeListResponse> nodes) => nodes.Where(IsSchedulable).Select(ToFacts).ToList();

        private static bool SameImage(string deployed, string requested) =>
            string.Equals(deployed.Split('@')[0], requested, StringComparison.Ordinal)
            || string.Equals(deployed.Split('@')[0], requested + ":latest", StringComparison.Ordinal);

        private static bool IsSchedulable(NodeListResponse node) =>
            string.Equals(node.Spec?.Availability, "active", StringComparison.OrdinalIgnoreCase)
            && string.Equals(node.Status?.State, "ready", StringComparison.OrdinalIgnoreCase);

        /// <summary>The cluster's nodes as the constraint matcher sees them, from the context's node list.</summary>
        public static IReadOnlyList<NodeFacts> NodesOf(ClusterContext context) => context.Nodes.Select(ToFacts).ToList();

        internal static NodeFacts ToFacts(NodeListResponse node) => new NodeFacts(
            node.ID ?? string.Empty,
            node.Description?.Hostname ?? string.Empty,
            node.Spec?.Role ?? string.Empty,
            node.Description?.Platform?.OS ?? string.Empty,
            node.Description?.Platform?.Architecture ?? string.Empty,
            new Dictionary<string, string>(node.Spec?.Labels ?? new Dictionary<string, string>()),
            new Dictionary<string, string>(node.Description?.Engine?.Labels ?? new Dictionary<string, string>()));
    }
}
