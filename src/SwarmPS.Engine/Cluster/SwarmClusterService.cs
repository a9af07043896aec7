using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet;
using Docker.DotNet.Models;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Sessions;
using SwarmPS.Engine.Tls;

namespace SwarmPS.Engine.Cluster
{
    /// <summary>
    /// Swarm mode for a named cluster: init, join, list, update and remove nodes through the members'
    /// Engine APIs. Join tokens are fetched from a manager when needed and never kept or logged.
    /// </summary>
    public sealed class SwarmClusterService
    {
        private const int SwarmPort = 2377;

        private readonly ClusterRepository repository;
        private readonly SessionStore sessions;
        private readonly Func<TlsIdentity> identity;

        public SwarmClusterService(ClusterRepository repository, SessionStore sessions, Func<TlsIdentity> identity)
        {
            this.repository = repository;
            this.sessions = sessions;
            this.identity = identity;
        }

        public ClusterRepository Repository => repository;

        /// <summary>The engine of a member, from this session or opened with the SwarmPS client certificate.</summary>
        public async Task<DockerConnection> ConnectAsync(ClusterMember member, CancellationToken cancellationToken)
        {
            DockerConnection? open = sessions.FindEngine(member.Name);
            if (open != null)
            {
                return open;
            }

            DockerConnection connection = await DockerConnection.OpenAsync(member.Name, member.Address, member.ApiPort, member.Tls ? identity() : null, cancellationToken).ConfigureAwait(false);
            sessions.AddEngine(connection);
            return connection;
        }

        /// <summary>A reachable manager of the cluster, or null when none was started yet.</summary>
        public async Task<(DockerConnection Connection, SwarmInspectResponse Swarm)?> FindManagerAsync(ClusterRecord record, CancellationToken cancellationToken)
        {
            foreach (ClusterMember member in record.Members)
            {
                try
                {
                    DockerConnection connection = await ConnectAsync(member, cancellationToken).ConfigureAwait(false);
                    SwarmInspectResponse swarm = await connection.Client.Swarm.InspectSwarmAsync(cancellationToken).ConfigureAwait(false);
                    if (string.IsNullOrEmpty(record.SwarmId) || swarm.ID == record.SwarmId)
                    {
                        return (connection, swarm);
                    }
                }
                catch (Exception failure) when (failure is SwarmException || failure is DockerApiException)
                {
                    // Not a manager, not reachable, or not in a swarm: try the next member.
                }
            }

            return null;
        }

        public async Task<(DockerConnection Connection, SwarmInspectResponse Swarm)> RequireManagerAsync(ClusterRecord record, CancellationToken cancellationToken)
        {
            return await FindManagerAsync(record, cancellationToken).ConfigureAwait(false)
                ?? throw new SwarmException("NoManagerReachable", SwarmErrorKind.ResourceUnavailable,
                    record.Members.Count == 0 || string.IsNullOrEmpty(record.SwarmId)
                        ? $"Cluster '{record.Name}' has no manager yet. Start one with Start-SwarmManager -Cluster {record.Name} -HostName <host>."
                        : $"No manager of cluster '{record.Name}' answers ({string.Join(", ", record.Members.Select(m => m.Name))}). Check that the hosts are up and their Engine API is reachable.",
                    record.Name);
        }

        /// <summary>
        /// Makes the host a manager: swarm init when the cluster has none, else a join with the manager token.
        /// A host already managing this swarm is left as it is (Changed False).
        /// </summary>
        public Task<SwarmNode> StartManagerAsync(ClusterRecord record, DockerConnection engine, string? advertiseAddress, bool force, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            return AddNodeAsync(record, engine, "manager", advertiseAddress, force, allowInit: true, reporter, cancellationToken);
        }

        /// <summary>Joins the host as a worker or manager with a token fetched from a manager now.</summary>
        public Task<SwarmNode> JoinAsync(ClusterRecord record, DockerConnection engine, string role, string? advertiseAddress, bool force, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            return AddNodeAsync(record, engine, role, advertiseAddress, force, allowInit: false, reporter, cancellationToken);
        }

        public async Task<IReadOnlyList<SwarmNode>> GetNodesAsync(ClusterRecord record, CancellationToken cancellationToken)
        {
            (DockerConnection manager, _) = await RequireManagerAsync(record, cancellationToken).ConfigureAwait(false);
            IList<NodeListResponse> nodes = await manager.Client.Swarm.ListNodesAsync(cancellationToken).ConfigureAwait(false);
            IList<TaskResponse> tasks = await RunningTasksAsync(manager, cancellationToken).ConfigureAwait(false);
            return nodes.Select(n => NodeMapper.Map(n, tasks, record.Name)).OrderBy(n => n.Hostname, StringComparer.OrdinalIgnoreCase).ToList();
        }

        /// <summary>Changes a node's labels, availability or role through a manager. Returns the node and whether anything changed.</summary>
        public async Task<SwarmNode> UpdateNodeAsync(ClusterRecord record, string nodeId, NodeChange change, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            (DockerConnection manager, _) = await RequireManagerAsync(record, cancellationToken).ConfigureAwait(false);
            NodeListResponse node = await manager.Client.Swarm.InspectNodeAsync(nodeId, cancellationToken).ConfigureAwait(false);
            var spec = new NodeUpdateParameters
            {
                Name = node.Spec?.Name,
                Role = node.Spec?.Role,
                Availability = node.Spec?.Availability,
                Labels = new Dictionary<string, string>(node.Spec?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal),
            };
            bool changed = change.ApplyTo(spec);
            if (changed)
            {
                reporter.Verbose($"Updating node {node.Description?.Hostname}: {change.Describe()}.");
                await CallAsync(node.Description?.Hostname ?? nodeId, async () =>
                {
                    await manager.Client.Swarm.UpdateNodeAsync(node.ID, node.Version?.Index ?? 0, spec, cancellationToken).ConfigureAwait(false);
                    return string.Empty;
                }).ConfigureAwait(false);
                if (change.Role == "manager")
                {
                    await WaitUntilReachableManagerAsync(manager, node.ID, reporter, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                reporter.Verbose($"Node {node.Description?.Hostname} is already as asked; nothing to change.");
            }

            return await DescribeNodeAsync(manager, record, node.ID, changed, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Takes a node out: optionally drained first, then it leaves and is removed from the managers' list.</summary>
        public async Task RemoveNodeAsync(ClusterRecord record, SwarmNode node, bool drain, bool force, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            (DockerConnection manager, _) = await RequireManagerAsync(record, cancellationToken).ConfigureAwait(false);
            string host = node.Hostname;
            IList<NodeListResponse> all = await manager.Client.Swarm.ListNodesAsync(cancellationToken).ConfigureAwait(false);
            bool lastManager = node.Role == "manager" && all.Count(n => n.Spec?.Role == "manager") == 1;
            if (lastManager && all.Count > 1 && !force)
            {
                throw new SwarmException("LastManager", SwarmErrorKind.InvalidOperation,
                    $"{host} is the last manager of cluster '{record.Name}'; without it the other nodes have no swarm. Promote another node first (Set-SwarmNode -Role Manager), dissolve the cluster with Remove-SwarmCluster, or use -Force.", host);
            }

            if (drain)
            {
                reporter.Verbose($"Draining {host} so its tasks move to other nodes.");
                await UpdateNodeAsync(record, node.Id, new NodeChange(availability: "drain"), reporter, cancellationToken).ConfigureAwait(false);
            }

            if (node.Role == "manager" && !lastManager)
            {
                // A manager is demoted before it leaves, so the raft quorum shrinks in order.
                reporter.Verbose($"Demoting {host} before it leaves.");
                await UpdateNodeAsync(record, node.Id, new NodeChange(role: "worker"), reporter, cancellationToken).ConfigureAwait(false);
                (manager, _) = await RequireManagerAsync(record, cancellationToken).ConfigureAwait(false);
            }

            ClusterMember? member = record.Members.FirstOrDefault(m => m.NodeId == node.Id);
            bool left = false;
            if (member != null)
            {
                try
                {
                    DockerConnection engine = await ConnectAsync(member, cancellationToken).ConfigureAwait(false);
                    reporter.Verbose($"{host} leaves the swarm.");
                    await engine.LeaveSwarmAsync(force: lastManager, cancellationToken).ConfigureAwait(false);
                    left = true;
                }
                catch (SwarmException unreachable) when (force)
                {
                    reporter.Warning($"{host} could not leave by itself ({unreachable.Message}); removing it from the managers' list anyway (-Force).");
                }
            }

            if (!lastManager)
            {
                reporter.Verbose($"Removing {host} from the managers' node list.");
                if (left)
                {
                    await WaitUntilDownAsync(manager, node.Id, cancellationToken).ConfigureAwait(false);
                }

                await CallAsync(host, async () =>
                {
                    await manager.Client.Swarm.RemoveNodeAsync(node.Id, force || !left, cancellationToken).ConfigureAwait(false);
                    return string.Empty;
                }).ConfigureAwait(false);
            }

            if (member != null)
            {
                record.Members.Remove(member);
                repository.Update(record.Name, saved => saved.Members.RemoveAll(m => m.NodeId == node.Id));
            }
        }

        public async Task<string> GetJoinTokenAsync(ClusterRecord record, string role, bool rotate, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            (DockerConnection manager, SwarmInspectResponse swarm) = await RequireManagerAsync(record, cancellationToken).ConfigureAwait(false);
            if (rotate)
            {
                reporter.Verbose($"Rotating the {role} join token; the old one stops working.");
                await SwarmTokenRotation.RotateAsync(manager, role, cancellationToken).ConfigureAwait(false);
                swarm = await manager.Client.Swarm.InspectSwarmAsync(cancellationToken).ConfigureAwait(false);
            }

            return role == "manager" ? swarm.JoinTokens.Manager : swarm.JoinTokens.Worker;
        }

        public async Task<SwarmCluster> DescribeAsync(ClusterRecord record, bool isCurrent, CancellationToken cancellationToken)
        {
            SwarmCluster saved = repository.Summarize(record, isCurrent);
            var found = await FindManagerAsync(record, cancellationToken).ConfigureAwait(false);
            if (found == null)
            {
                return saved;
            }

            (DockerConnection manager, SwarmInspectResponse swarm) = found.Value;
            IList<NodeListResponse> nodes = await manager.Client.Swarm.ListNodesAsync(cancellationToken).ConfigureAwait(false);
            IList<TaskResponse> tasks = await RunningTasksAsync(manager, cancellationToken).ConfigureAwait(false);
            return new SwarmCluster(new SwarmClusterData
            {
                Name = record.Name,
                Id = swarm.ID,
                CreatedAt = swarm.CreatedAt ?? record.CreatedAt,
                Members = saved.Members,
                Nodes = nodes.Select(n => NodeMapper.Map(n, tasks, record.Name)).OrderBy(n => n.Hostname, StringComparer.OrdinalIgnoreCase).ToList(),
                SnapshotInterval = swarm.Spec?.Raft?.SnapshotInterval ?? 0,
                HeartbeatTick = swarm.Spec?.Raft?.HeartbeatTick ?? 0,
                ElectionTick = swarm.Spec?.Raft?.ElectionTick ?? 0,
                NodeCertificateExpiry = swarm.Spec?.CAConfig?.NodeCertExpiry,
                IsCurrent = isCurrent,
                Path = saved.Path,
            });
        }

        private async Task<SwarmNode> AddNodeAsync(ClusterRecord record, DockerConnection engine, string role, string? advertiseAddress, bool force, bool allowInit, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            string host = engine.Name;
            SystemInfoResponse info = await engine.Client.System.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false);
            var manager = await FindManagerAsync(record, cancellationToken).ConfigureAwait(false);
            string state = info.Swarm?.LocalNodeState ?? "inactive";
            string localNodeId = info.Swarm?.NodeID ?? string.Empty;

            // One node list from the manager answers "already a member?" and "where do I join?".
            IList<NodeListResponse> nodes = manager == null
                ? new List<NodeListResponse>()
                : await manager.Value.Connection.Client.Swarm.ListNodesAsync(cancellationToken).ConfigureAwait(false);
            if (state == "active" || state == "pending" || state == "locked")
            {
                bool inThisSwarm = !string.IsNullOrEmpty(localNodeId) && nodes.Any(n => n.ID == localNodeId);
                if (inThisSwarm)
                {
                    RememberMember(record, engine, localNodeId);
                    SwarmNode current = await DescribeNodeAsync(manager!.Value.Connection, record, localNodeId, false, cancellationToken, nodes).ConfigureAwait(false);
                    if (current.Role == role)
                    {
                        reporter.Verbose($"{host} is already a {role} of cluster '{record.Name}'; nothing to change.");
                        return current;
                    }

                    reporter.Verbose($"{host} is a {current.Role} of cluster '{record.Name}'; making it a {role}.");
                    return await UpdateNodeAsync(record, localNodeId, new NodeChange(role: role), reporter, cancellationToken).ConfigureAwait(false);
                }

                if (!force)
                {
                    throw new SwarmException("NodeInOtherSwarm", SwarmErrorKind.ResourceExists,
                        $"{host} is already a node of another swarm (node id {localNodeId}). Remove it from that swarm first, or run again with -Force to make it leave that swarm.", host);
                }

                reporter.Warning($"{host} leaves the swarm it was in (-Force).");
                await engine.Client.Swarm.LeaveSwarmAsync(new SwarmLeaveParameters { Force = true }, cancellationToken).ConfigureAwait(false);
            }

            string advertise = await AdvertiseAddressAsync(engine, advertiseAddress, cancellationToken).ConfigureAwait(false);
            if (manager == null)
            {
                if (!string.IsNullOrEmpty(record.SwarmId))
                {
                    // Initialising here would split the cluster into two swarms.
                    throw new SwarmException("NoManagerReachable", SwarmErrorKind.ResourceUnavailable,
                        $"No manager of cluster '{record.Name}' (swarm {record.SwarmId}) answers, so {host} cannot join it. Bring a manager back up; SwarmPS does not start a second swarm under the same name.", host);
                }

                if (!allowInit || role != "manager")
                {
                    throw new SwarmException("NoManagerReachable", SwarmErrorKind.ResourceUnavailable,
                        $"Cluster '{record.Name}' has no reachable manager to join {host} to. Start one with Start-SwarmManager -Cluster {record.Name} -HostName <host> first.", host);
                }

                reporter.Progress("Initialising the swarm", 40);
                reporter.Verbose($"Initialising a new swarm on {host}, advertising {advertise}:{SwarmPort}.");
                string nodeId = await CallAsync(host, () => engine.Client.Swarm.InitSwarmAsync(
                    new SwarmInitParameters { ListenAddr = $"0.0.0.0:{SwarmPort}", AdvertiseAddr = $"{advertise}:{SwarmPort}" },
                    cancellationToken)).ConfigureAwait(false);
                SwarmInspectResponse swarm = await engine.Client.Swarm.InspectSwarmAsync(cancellationToken).ConfigureAwait(false);
                record.SwarmId = swarm.ID;
                RememberMember(record, engine, nodeId.Trim('"'));
                await CopyEngineLabelsAsync(engine, engine, nodeId.Trim('"'), reporter, cancellationToken).ConfigureAwait(false);
                return await DescribeNodeAsync(engine, record, nodeId.Trim('"'), true, cancellationToken).ConfigureAwait(false);
            }

            (DockerConnection managerConnection, SwarmInspectResponse managerSwarm) = manager.Value;
            string remote = ManagerAddress(managerConnection, nodes);
            reporter.Progress($"Joining as {role}", 40);
            reporter.Verbose($"Joining {host} to cluster '{record.Name}' as {role} through {remote}, advertising {advertise}:{SwarmPort}.");
            string token = role == "manager" ? managerSwarm.JoinTokens.Manager : managerSwarm.JoinTokens.Worker;
            await CallAsync(host, async () =>
            {
                await engine.Client.Swarm.JoinSwarmAsync(
                    new SwarmJoinParameters { ListenAddr = $"0.0.0.0:{SwarmPort}", AdvertiseAddr = $"{advertise}:{SwarmPort}", RemoteAddrs = new[] { remote }, JoinToken = token },
                    cancellationToken).ConfigureAwait(false);
                return string.Empty;
            }).ConfigureAwait(false);
            token = string.Empty;

            SystemInfoResponse joined = await engine.Client.System.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false);
            string joinedId = joined.Swarm?.NodeID ?? string.Empty;
            RememberMember(record, engine, joinedId);
            await CopyEngineLabelsAsync(managerConnection, engine, joinedId, reporter, cancellationToken).ConfigureAwait(false);
            return await DescribeNodeAsync(managerConnection, record, joinedId, true, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Copies the engine's labels into node labels (where no node label of that key exists), so a
        /// constraint on node.labels matches what Get-SwarmNode shows in Labels.
        /// </summary>
        private static async Task CopyEngineLabelsAsync(DockerConnection manager, DockerConnection engine, string nodeId, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IReadOnlyDictionary<string, string> engineLabels = await engine.GetLabelsAsync(cancellationToken).ConfigureAwait(false);
            if (engineLabels.Count == 0)
            {
                return;
            }

            NodeListResponse node = await manager.Client.Swarm.InspectNodeAsync(nodeId, cancellationToken).ConfigureAwait(false);
            var labels = new Dictionary<string, string>(node.Spec?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
            bool added = false;
            foreach (KeyValuePair<string, string> label in engineLabels)
            {
                if (!labels.ContainsKey(label.Key))
                {
                    labels[label.Key] = label.Value;
                    added = true;
                }
            }

            if (!added)
            {
                return;
            }

            reporter.Verbose($"Copying engine labels {string.Join(", ", engineLabels.Select(l => $"{l.Key}={l.Value}"))} to node labels, so constraints can use them.");
            await manager.Client.Swarm.UpdateNodeAsync(node.ID, node.Version?.Index ?? 0,
                new NodeUpdateParameters { Name = node.Spec?.Name, Role = node.Spec?.Role, Availability = node.Spec?.Availability, Labels = labels },
                cancellationToken).ConfigureAwait(false);
        }

        private void RememberMember(ClusterRecord record, DockerConnection engine, string nodeId)
        {
            var member = new ClusterMember
            {
                Name = engine.Name,
                Address = engine.Address,
                ApiPort = engine.Port,
                Tls = engine.Tls,
                NodeId = nodeId,
                HostKeyFingerprint = sessions.FindHost(engine.Name)?.HostKeyFingerprint ?? string.Empty,
            };
            Upsert(record.Members, member);
            repository.Update(record.Name, saved =>
            {
                if (!string.IsNullOrEmpty(record.SwarmId))
                {
                    saved.SwarmId = record.SwarmId;
                }

                Upsert(saved.Members, member);
            });
        }

        private static void Upsert(List<ClusterMember> members, ClusterMember member)
        {
            members.RemoveAll(m => string.Equals(m.Name, member.Name, StringComparison.OrdinalIgnoreCase));
            members.Add(member);
        }

        private static async Task<SwarmNode> DescribeNodeAsync(DockerConnection manager, ClusterRecord record, string nodeId, bool changed, CancellationToken cancellationToken, IList<NodeListResponse>? known = null)
        {
            IList<NodeListResponse> nodes = known ?? await manager.Client.Swarm.ListNodesAsync(cancellationToken).ConfigureAwait(false);
            NodeListResponse node = nodes.FirstOrDefault(n => n.ID == nodeId)
                ?? throw new SwarmException("NodeNotFound", SwarmErrorKind.ObjectNotFound, $"Node {nodeId} is not in cluster '{record.Name}'.", nodeId);
            IList<TaskResponse> tasks = await RunningTasksAsync(manager, cancellationToken).ConfigureAwait(false);
            return NodeMapper.Map(node, tasks, record.Name, changed);
        }

        private static Task<IList<TaskResponse>> RunningTasksAsync(DockerConnection manager, CancellationToken cancellationToken)
        {
            return manager.Client.Tasks.ListAsync(
                new TasksListParameters { Filters = new Dictionary<string, IDictionary<string, bool>> { ["desired-state"] = new Dictionary<string, bool> { ["running"] = true } } },
                cancellationToken);
        }

        private static string ManagerAddress(DockerConnection manager, IList<NodeListResponse> nodes)
        {
            NodeListResponse? leader = nodes.FirstOrDefault(n => n.ManagerStatus?.Leader == true) ?? nodes.FirstOrDefault(n => n.ManagerStatus != null);
            return leader?.ManagerStatus?.Addr ?? $"{manager.Address}:{SwarmPort}";
        }

        private static async Task WaitUntilDownAsync(DockerConnection manager, string nodeId, CancellationToken cancellationToken)
        {
            // The managers see a node that left as "down" after a moment; removing it earlier needs force.
            for (int attempt = 0; attempt < 30; attempt++)
            {
                NodeListResponse node = await manager.Client.Swarm.InspectNodeAsync(nodeId, cancellationToken).ConfigureAwait(false);
                if (string.Equals(node.Status?.State, "down", StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>A promoted node joins raft a moment later; until then a demote fails, so wait for it.</summary>
        private static async Task WaitUntilReachableManagerAsync(DockerConnection manager, string nodeId, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            reporter.Verbose("Waiting until the promoted node is a reachable manager.");
            for (int attempt = 0; attempt < 60; attempt++)
            {
                NodeListResponse node = await manager.Client.Swarm.InspectNodeAsync(nodeId, cancellationToken).ConfigureAwait(false);
                if (node.ManagerStatus?.Leader == true || string.Equals(node.ManagerStatus?.Reachability, "reachable", StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }

            throw new SwarmException("PromotionTimeout", SwarmErrorKind.OperationTimeout,
                $"Node {nodeId} was promoted but did not become a reachable manager within 30 seconds. Check that port 2377 is open between the managers.", nodeId);
        }

        private static async Task<string> AdvertiseAddressAsync(DockerConnection engine, string? requested, CancellationToken cancellationToken)
        {
            if (!string.IsNullOrEmpty(requested))
            {
                return requested;
            }

            if (IPAddress.TryParse(engine.Address, out _))
            {
                return engine.Address;
            }

            IPAddress[] addresses = await Dns.GetHostAddressesAsync(engine.Address, cancellationToken).ConfigureAwait(false);
            IPAddress[] usable = addresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)).ToArray();
            if (usable.Length == 1)
            {
                return usable[0].ToString();
            }

            throw new SwarmException("AdvertiseAddressAmbiguous", SwarmErrorKind.InvalidArgument,
                $"{engine.Name} has {(usable.Length == 0 ? "no usable" : "several")} addresses ({string.Join(", ", addresses.Select(a => a.ToString()))}), so SwarmPS cannot tell which one the other nodes should use. Give it with -AdvertiseAddress.", engine.Name);
        }

        private static async Task<string> CallAsync(string host, Func<Task<string>> call)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (DockerApiException failure) when (failure.ResponseBody?.Contains("could not choose an IP address to advertise", StringComparison.OrdinalIgnoreCase) == true
                || failure.ResponseBody?.Contains("must specify a listening address", StringComparison.OrdinalIgnoreCase) == true)
            {
                throw new SwarmException("AdvertiseAddressAmbiguous", SwarmErrorKind.InvalidArgument,
                    $"{host} has several network addresses and Docker cannot choose which one to advertise to the other nodes. Give it with -AdvertiseAddress.", host, failure);
            }
            catch (DockerApiException failure)
            {
                throw new SwarmException("SwarmOperationFailed", SwarmErrorKind.InvalidOperation,
                    $"The swarm operation on {host} failed ({(int)failure.StatusCode}): {failure.ResponseBody?.Trim()}", host, failure);
            }
        }
    }
}
