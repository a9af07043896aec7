using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;

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

        private readonly SwarmClusterService clusters;

        public WorkloadService(SwarmClusterService clusters)
        {
            this.clusters = clusters;
        }

        public async Task<IReadOnlyList<SwarmContainer>> CreateAsync(ClusterRecord record, ContainerRequest request, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            (DockerConnection manager, _) = await clusters.RequireManagerAsync(record, cancellationToken).ConfigureAwait(false);
            IList<NodeListResponse> nodes = await manager.Client.Swarm.ListNodesAsync(cancellationToken).ConfigureAwait(false);

            SwarmService? existing = await FindServiceAsync(manager, request.Name, cancellationToken).ConfigureAwait(false);
            if (existing != null)
            {
                string image = existing.Spec?.TaskTemplate?.ContainerSpec?.Image ?? string.Empty;
                if (!SameImage(image, request.Image))
                {
                    throw new SwarmException("ContainerExists", SwarmErrorKind.ResourceExists,
                        $"A container named '{request.Name}' already runs image '{image}' in cluster '{record.Name}'. Remove it first (Remove-SwarmContainer {request.Name}) or choose another name.", request.Name);
                }

                reporter.Verbose($"'{request.Name}' already exists with image {image}; nothing to create.");
                ulong replicas = existing.Spec?.Mode?.Replicated?.Replicas ?? 1;
                return await WaitForTasksAsync(manager, existing.ID ?? string.Empty, replicas, record, nodes, request, changed: false, reporter, cancellationToken).ConfigureAwait(false);
            }

            // Fail fast where swarm would leave the task pending for ever.
            List<NodeFacts> facts = nodes.Select(ToFacts).ToList();
            List<NodeFacts> schedulable = facts.Where((f, i) => IsSchedulable(nodes[i])).ToList();
            IReadOnlyList<NodeFacts> matching = ConstraintMatcher.Matching(request.Constraints, schedulable);
            if (matching.Count == 0)
            {
                throw new SwarmException("NoNodeMatchesConstraint", SwarmErrorKind.ResourceUnavailable,
                    ConstraintMatcher.ExplainNoMatch(request.Constraints, schedulable), request.Name);
            }

            reporter.Verbose($"Nodes that satisfy the constraints: {string.Join(", ", matching.Select(n => n.Hostname))}.");
            IReadOnlyList<PortSpec> ports = await PortsToPublishAsync(record, request, matching, nodes, reporter, cancellationToken).ConfigureAwait(false);

            var secretReferences = new List<SecretReference>();
            foreach (KeyValuePair<string, byte[]> secret in request.Secrets)
            {
                secretReferences.Add(await CreateSecretAsync(manager, request.Name, secret.Key, secret.Value, reporter, cancellationToken).ConfigureAwait(false));
            }

            var spec = new ServiceSpec
            {
                Name = request.Name,
                Labels = new Dictionary<string, string> { [ManagedLabel] = "true" },
                TaskTemplate = new TaskSpec
                {
                    ContainerSpec = new ContainerSpec
                    {
                        Image = request.Image,
                        // Like the arguments after the image in docker run: they replace CMD, the entrypoint stays.
                        Args = request.Command.Count > 0 ? request.Command.ToList() : null,
                        Env = request.Environment.Count > 0 ? request.Environment.Select(e => $"{e.Key}={e.Value}").ToList() : null,
                        Secrets = secretReferences.Count > 0 ? secretReferences : null,
                    },
                    Placement = new Placement { Constraints = request.Constraints.Select(c => c.ToSwarm()).ToList() },
                },
                Mode = new ServiceMode { Replicated = new ReplicatedService { Replicas = request.Replicas } },
                EndpointSpec = ports.Count == 0 ? null : new EndpointSpec
                {
                    // Host mode, as in the seed: the port is on the address of the node the container landed on.
                    Ports = ports.Select(p => new PortConfig { Protocol = p.Protocol, TargetPort = p.Target, PublishedPort = p.Published == 0 ? null : p.Published, PublishMode = "host" }).ToList(),
                },
            };

            reporter.Progress("Creating the service", 30);
            reporter.Verbose($"Creating service '{request.Name}' from {request.Image}{(spec.TaskTemplate.Placement.Constraints.Count > 0 ? " with constraints " + string.Join(", ", spec.TaskTemplate.Placement.Constraints) : string.Empty)}.");
            ServiceCreateResponse created;
            try
            {
                created = await manager.Client.Swarm.CreateServiceAsync(new ServiceCreateParameters { Service = spec }, cancellationToken).ConfigureAwait(false);
            }
            catch (DockerApiException failure)
            {
                // Nothing half-applied: the secrets made for this service go with it.
                foreach (SecretReference secret in secretReferences)
                {
                    await DeleteSecretWhenFreeAsync(manager, secret.SecretID, cancellationToken).ConfigureAwait(false);
                }

                throw new SwarmException("ContainerCreateFailed", SwarmErrorKind.InvalidOperation,
                    $"Creating '{request.Name}' failed ({(int)failure.StatusCode}): {failure.ResponseBody?.Trim()}", request.Name, failure);
            }

            if (request.NoWait)
            {
                return new[] { new SwarmContainer(new SwarmContainerData { Name = request.Name, ServiceId = created.ID ?? string.Empty, Image = request.Image, State = "pending", Cluster = record.Name, Changed = true }) };
            }

            return await WaitForTasksAsync(manager, created.ID ?? string.Empty, request.Replicas, record, nodes, request, changed: true, reporter, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Containers on the cluster's nodes, read from every member's engine in parallel.</summary>
        public async Task<IReadOnlyList<SwarmContainer>> ListAsync(ClusterRecord record, bool all, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IEnumerable<Task<IReadOnlyList<SwarmContainer>>> perNode = record.Members.Select(async member =>
            {
                try
                {
                    DockerConnection engine = await clusters.ConnectAsync(member, cancellationToken).ConfigureAwait(false);
                    SystemInfoResponse info = await engine.Client.System.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false);
                    IList<ContainerListResponse> containers = await engine.Client.Containers.ListContainersAsync(new ContainersListParameters { All = all }, cancellationToken).ConfigureAwait(false);
                    return (IReadOnlyList<SwarmContainer>)containers.Select(c => ContainerMapper.Map(c, info.Name ?? member.Name, member.Address, record.Name)).ToList();
                }
                catch (SwarmException failure)
                {
                    reporter.Warning($"Skipping {member.Name}: {failure.Message}");
                    return Array.Empty<SwarmContainer>();
                }
                catch (DockerApiException failure)
                {
                    reporter.Warning($"Skipping {member.Name}: its engine answered {(int)failure.StatusCode}: {failure.ResponseBody?.Trim()}");
                    return Array.Empty<SwarmContainer>();
                }
            });
            IReadOnlyList<SwarmContainer>[] lists = await Task.WhenAll(perNode).ConfigureAwait(false);
            return lists.SelectMany(l => l).OrderBy(c => c.Node, StringComparer.OrdinalIgnoreCase).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
        }

        /// <summary>Removes a swarm service (and the secrets SwarmPS made for it), or a plain container on its node.</summary>
        public async Task RemoveAsync(ClusterRecord record, SwarmContainer container, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            (DockerConnection manager, _) = await clusters.RequireManagerAsync(record, cancellationToken).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(container.ServiceId))
            {
                reporter.Verbose($"Removing service '{container.Name}'.");
                try
                {
                    await manager.Client.Swarm.RemoveServiceAsync(container.ServiceId, cancellationToken).ConfigureAwait(false);
                }
                catch (DockerApiException failure) when (failure.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    reporter.Verbose($"Service '{container.Name}' was already gone.");
                }

                await WaitUntilContainersGoneAsync(record, container.ServiceId, reporter, cancellationToken).ConfigureAwait(false);
                IList<Secret> secrets = await manager.Client.Secrets.ListAsync(cancellationToken).ConfigureAwait(false);
                foreach (Secret secret in secrets.Where(s => s.Spec?.Labels != null && s.Spec.Labels.TryGetValue(ServiceLabel, out string? owner) && owner == container.Name))
                {
                    reporter.Verbose($"Removing secret '{secret.Spec.Name}'.");
                    await DeleteSecretWhenFreeAsync(manager, secret.ID, cancellationToken).ConfigureAwait(false);
                }

                return;
            }

            ClusterMember member = record.Members.FirstOrDefault(m => m.Address == container.Address)
                ?? throw new SwarmException("NodeNotFound", SwarmErrorKind.ObjectNotFound, $"No member of cluster '{record.Name}' has address {container.Address}.", container.Node);
            DockerConnection engine = await clusters.ConnectAsync(member, cancellationToken).ConfigureAwait(false);
            reporter.Verbose($"Removing container {container.ContainerName} on {container.Node}.");
            await engine.Client.Containers.RemoveContainerAsync(container.ContainerId, new ContainerRemoveParameters { Force = true }, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>A SwarmPS service by name even when it has no container (pending, failed): what Remove-SwarmContainer needs.</summary>
        public async Task<SwarmContainer?> FindServiceByNameAsync(ClusterRecord record, string name, CancellationToken cancellationToken)
        {
            (DockerConnection manager, _) = await clusters.RequireManagerAsync(record, cancellationToken).ConfigureAwait(false);
            SwarmService? service = await FindServiceAsync(manager, name, cancellationToken).ConfigureAwait(false);
            return service == null ? null : new SwarmContainer(new SwarmContainerData
            {
                Name = name,
                ServiceId = service.ID ?? string.Empty,
                Image = service.Spec?.TaskTemplate?.ContainerSpec?.Image?.Split('@')[0] ?? string.Empty,
                State = "no container",
                Cluster = record.Name,
            });
        }

        /// <summary>Swarm stops a removed service's containers in the background; wait, so a listing right after is true.</summary>
        private async Task WaitUntilContainersGoneAsync(ClusterRecord record, string serviceId, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            reporter.Verbose("Waiting until the service's containers have stopped.");
            DateTime deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                IReadOnlyList<SwarmContainer> left = await ListAsync(record, false, NullReporter.Instance, cancellationToken).ConfigureAwait(false);
                if (!left.Any(c => c.ServiceId == serviceId))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }

            reporter.Warning("The service is removed, but some of its containers are still stopping.");
        }

        /// <summary>The engine of the node a container runs on, for its logs.</summary>
        public async Task<DockerConnection> EngineOfAsync(ClusterRecord record, SwarmContainer container, CancellationToken cancellationToken)
        {
            ClusterMember member = record.Members.FirstOrDefault(m => m.Address == container.Address)
                ?? throw new SwarmException("NodeNotFound", SwarmErrorKind.ObjectNotFound, $"No member of cluster '{record.Name}' has address {container.Address}.", container.Node);
            return await clusters.ConnectAsync(member, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Streams a container's stdout and stderr line by line from its node's engine.</summary>
        public async Task StreamLogsAsync(ClusterRecord record, SwarmContainer container, int? tail, bool follow, Action<string> onLine, CancellationToken cancellationToken)
        {
            DockerConnection engine = await EngineOfAsync(record, container, cancellationToken).ConfigureAwait(false);
            var parameters = new ContainerLogsParameters
            {
                ShowStdout = true,
                ShowStderr = true,
                Follow = follow,
                Tail = tail?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all",
            };
            using MultiplexedStream stream = await engine.Client.Containers.GetContainerLogsAsync(container.ContainerId, parameters, cancellationToken).ConfigureAwait(false);
            var buffer = new byte[8192];
            var pending = new System.Text.StringBuilder();
            while (true)
            {
                MultiplexedStream.ReadResult read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                if (read.EOF)
                {
                    break;
                }

                pending.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, read.Count));
                string text = pending.ToString();
                int newline;
                while ((newline = text.IndexOf('\n')) >= 0)
                {
                    onLine(text.Substring(0, newline).TrimEnd('\r'));
                    text = text.Substring(newline + 1);
                }

                pending.Clear().Append(text);
            }

            if (pending.Length > 0)
            {
                onLine(pending.ToString());
            }
        }

        /// <summary>Image tags present on the cluster's nodes (for completion).</summary>
        public async Task<IReadOnlyList<string>> ImageTagsAsync(ClusterRecord record, CancellationToken cancellationToken)
        {
            // All nodes at once: completion has a short time budget.
            IList<ImagesListResponse>[] perNode = await Task.WhenAll(record.Members.Select(async member =>
            {
                DockerConnection engine = await clusters.ConnectAsync(member, cancellationToken).ConfigureAwait(false);
                return await engine.Client.Images.ListImagesAsync(new ImagesListParameters(), cancellationToken).ConfigureAwait(false);
            })).ConfigureAwait(false);
            return perNode.SelectMany(images => images)
                .SelectMany(i => i.RepoTags ?? new List<string>())
                .Where(t => t != "<none>:<none>")
                .Distinct(StringComparer.Ordinal)
                .OrderBy(t => t, StringComparer.Ordinal)
                .ToList();
        }

        private async Task<IReadOnlyList<PortSpec>> PortsToPublishAsync(ClusterRecord record, ContainerRequest request, IReadOnlyList<NodeFacts> matching, IList<NodeListResponse> nodes, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            var ports = request.Publish.ToList();

            // No registry: the image must already be on a node that can take the task. Every eligible node is
            // asked, in parallel, so the warning below names all that lack it.
            (NodeFacts Node, ImageInspectResponse? Image, bool Asked)[] answers = await Task.WhenAll(matching.Select(async node =>
            {
                ClusterMember? member = record.Members.FirstOrDefault(m => m.NodeId == node.Id);
                if (member == null)
                {
                    return (node, (ImageInspectResponse?)null, false);
                }

                DockerConnection engine = await clusters.ConnectAsync(member, cancellationToken).ConfigureAwait(false);
                try
                {
                    return (node, await engine.Client.Images.InspectImageAsync(request.Image, cancellationToken).ConfigureAwait(false), true);
                }
                catch (DockerApiException failure) when (failure is DockerImageNotFoundException || failure.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    return (node, null, true);
                }
            })).ConfigureAwait(false);
            ImageInspectResponse? image = answers.Select(a => a.Image).FirstOrDefault(i => i != null);
            List<string> lacking = answers.Where(a => a.Asked && a.Image == null).Select(a => a.Node.Hostname).ToList();

            if (image == null && lacking.Count > 0 && lacking.Count == matching.Count)
            {
                throw new SwarmException("ImageNotFound", SwarmErrorKind.ObjectNotFound,
                    $"Image '{request.Image}' is on none of the nodes that satisfy the constraints ({string.Join(", ", lacking)}), and no registry can be reached. Load it there first (docker load), or choose an image the nodes have.", request.Name);
            }

            if (lacking.Count > 0)
            {
                reporter.Warning($"Image '{request.Image}' is missing on {string.Join(", ", lacking)}; a task placed there would fail.");
            }

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

            if (request.PublishAllPorts && ports.Count == 0)
            {
                reporter.Warning($"-PublishAllPorts: image '{request.Image}' exposes no port, so none is published.");
            }

            return ports;
        }

        private static async Task<SecretReference> CreateSecretAsync(DockerConnection manager, string service, string name, byte[] value, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            string secretName = $"{service}_{name}";
            reporter.Verbose($"Creating swarm secret '{secretName}', mounted at /run/secrets/{name}.");
            try
            {
                SecretCreateResponse created = await manager.Client.Secrets.CreateAsync(
                    new SwarmSecretSpec { Name = secretName, Data = value, Labels = new Dictionary<string, string> { [ManagedLabel] = "true", [ServiceLabel] = service } },
                    cancellationToken).ConfigureAwait(false);
                return new SecretReference
                {
                    SecretID = created.ID,
                    SecretName = secretName,
                    File = new SecretReferenceFileTarget { Name = name, UID = "0", GID = "0", Mode = 0x124 /* 0444 */ },
                };
            }
            catch (DockerApiException failure)
            {
                throw new SwarmException("SecretCreateFailed", SwarmErrorKind.InvalidOperation,
                    $"Creating secret '{secretName}' failed ({(int)failure.StatusCode}): {failure.ResponseBody?.Trim()}", service, failure);
            }
            finally
            {
                Array.Clear(value);
            }
        }

        private static async Task DeleteSecretWhenFreeAsync(DockerConnection manager, string id, CancellationToken cancellationToken)
        {
            // A secret stays in use until the service's tasks are gone: retry briefly.
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    await manager.Client.Secrets.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (DockerApiException) when (attempt < 20)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
                }
                catch (DockerApiException failure)
                {
                    throw new SwarmException("SecretRemoveFailed", SwarmErrorKind.InvalidOperation,
                        $"Secret {id} could not be removed ({(int)failure.StatusCode}): {failure.ResponseBody?.Trim()} Remove it with docker secret rm on a manager.", id, failure);
                }
            }
        }

        /// <summary>Waits, with progress, until <paramref name="replicas"/> tasks run; fails fast on a failed or rejected task.</summary>
        private async Task<IReadOnlyList<SwarmContainer>> WaitForTasksAsync(DockerConnection manager, string serviceId, ulong replicas, ClusterRecord record, IList<NodeListResponse> nodes, ContainerRequest request, bool changed, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            DateTime deadline = DateTime.UtcNow + request.StartTimeout;
            string last = "no task yet";
            while (DateTime.UtcNow < deadline)
            {
                IList<TaskResponse> tasks = await manager.Client.Tasks.ListAsync(
                    new TasksListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["service"] = new Dictionary<string, bool> { [serviceId] = true } } },
                    cancellationToken).ConfigureAwait(false);
                List<TaskResponse> running = tasks
                    .Where(t => t.Status?.State == TaskState.Running && t.DesiredState == TaskState.Running)
                    .OrderBy(t => t.Slot)
                    .ToList();
                if ((ulong)running.Count >= replicas)
                {
                    if (running.Any(t => !nodes.Any(n => n.ID == t.NodeID)))
                    {
                        nodes = await manager.Client.Swarm.ListNodesAsync(cancellationToken).ConfigureAwait(false);
                    }

                    var containers = running.Select(t => ContainerMapper.FromTask(t, request.Name, request.Image, nodes.First(n => n.ID == t.NodeID), record.Name, changed)).ToList();
                    reporter.Verbose($"'{request.Name}' runs on {string.Join(", ", containers.Select(c => c.Node))}.");
                    return containers;
                }

                TaskResponse? newest = tasks.OrderByDescending(t => t.CreatedAt).FirstOrDefault();
                if (newest != null)
                {
                    last = $"{newest.Status?.State}: {newest.Status?.Err ?? newest.Status?.Message}";
                    reporter.Progress($"{running.Count} of {replicas} running; newest task {newest.Status?.State}", (int)(running.Count * 100 / (long)Math.Max(1UL, replicas)));
                    if (newest.Status?.State is TaskState.Failed or TaskState.Rejected)
                    {
                        throw new SwarmException("ContainerStartFailed", SwarmErrorKind.InvalidOperation,
                            $"'{request.Name}' did not start: {newest.Status?.Err ?? newest.Status?.Message}. The service stays so you can inspect it; remove it with Remove-SwarmContainer {request.Name}.", request.Name);
                    }
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }

            throw new SwarmException("ContainerStartTimeout", SwarmErrorKind.OperationTimeout,
                $"'{request.Name}' did not reach running within {request.StartTimeout.TotalSeconds} seconds (last: {last}). It stays in the cluster; watch it with Get-SwarmContainer or remove it with Remove-SwarmContainer {request.Name}.", request.Name);
        }

        private static async Task<SwarmService?> FindServiceAsync(DockerConnection manager, string name, CancellationToken cancellationToken)
        {
            IEnumerable<SwarmService> services = await manager.Client.Swarm.ListServicesAsync(
                new ServiceListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } } },
                cancellationToken).ConfigureAwait(false);
            return services.FirstOrDefault(s => s.Spec?.Name == name);
        }

        private static bool SameImage(string deployed, string requested) =>
            string.Equals(deployed.Split('@')[0], requested, StringComparison.Ordinal)
            || string.Equals(deployed.Split('@')[0], requested + ":latest", StringComparison.Ordinal);

        private static bool IsSchedulable(NodeListResponse node) =>
            string.Equals(node.Spec?.Availability, "active", StringComparison.OrdinalIgnoreCase)
            && string.Equals(node.Status?.State, "ready", StringComparison.OrdinalIgnoreCase);

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
