using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Docker;

namespace SwarmPS.Engine.Cluster
{
    /// <summary>
    /// Swarm mode for a cluster: init, join, list, update and remove nodes through the members'
    /// engines. Join tokens are fetched from a manager when needed and never kept or logged.
    /// </summary>
    public sealed class SwarmClusterService
    {
        private const int SwarmPort = 2377;

        /// <summary>
        /// Makes the host a manager: swarm init when the cluster has none, else a join with the manager token.
        /// A host already managing this swarm is left as it is (Changed False).
        /// </summary>
        public Task<SwarmNode> StartManagerAsync(ClusterContext context, IDockerEngine engine, string? advertiseAddress, bool force, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            return AddNodeAsync(context, engine, "manager", advertiseAddress, force, allowInit: true, reporter, cancellationToken);
        }

        /// <summary>Joins the host as a worker or manager with a token fetched from a manager now.</summary>
        public Task<SwarmNode> JoinAsync(ClusterContext context, IDockerEngine engine, string role, string? advertiseAddress, bool force, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            return AddNodeAsync(context, engine, role, advertiseAddress, force, allowInit: false, reporter, cancellationToken);
        }

        public async Task<IReadOnlyList<SwarmNode>> GetNodesAsync(ClusterContext context, CancellationToken cancellationToken)
        {
            IList<TaskResponse> tasks = await context.ListTasksAsync(desiredRunning: true, cancellationToken).ConfigureAwait(false);
            return context.Nodes.Select(n => NodeMapper.Map(n, tasks, context.Name)).OrderBy(n => n.Hostname, StringComparer.OrdinalIgnoreCase).ToList();
        }

        /// <summary>Changes a node's labels, availability or role through a manager. Returns the node and whether anything changed.</summary>
        public async Task<SwarmNode> UpdateNodeAsync(ClusterContext context, string nodeId, NodeChange change, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            (NodeListResponse node, bool changed) = await UpdateNodeSpecAsync(manager, nodeId, change.ApplyTo, cancellationToken).ConfigureAwait(false);
            if (changed)
            {
                reporter.Verbose($"Updated node {node.Description?.Hostname}: {change.Describe()}.");
                if (change.Role == "manager")
                {
                    await WaitUntilReachableManagerAsync(manager, node.ID, reporter, cancellationToken).ConfigureAwait(false);
                }

                await context.RefreshNodesAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                reporter.Verbose($"Node {node.Description?.Hostname} is already as asked; nothing to change.");
            }

            return await DescribeNodeAsync(context, node.ID, changed, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Takes a node out: optionally drained first, then it leaves and is removed from the managers' list.</summary>
        public async Task RemoveNodeAsync(ClusterContext context, SwarmNode node, bool drain, bool force, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            string host = node.Hostname;
            IReadOnlyList<NodeListResponse> all = context.Nodes;
            bool lastManager = node.Role == "manager" && all.Count(n => n.Spec?.Role == "manager") == 1;
            if (lastManager && all.Count > 1 && !force)
            {
                throw new SwarmException("LastManager", SwarmErrorKind.InvalidOperation,
                    $"{host} is the last manager of cluster '{context.Name}'; without it the other nodes have no swarm. Promote another node first (Set-SwarmNode -Role Manager), dissolve the cluster with Remove-SwarmCluster, or use -Force.", host);
            }

            if (drain)
            {
                reporter.Verbose($"Draining {host} so its tasks move to other nodes.");
                await UpdateNodeAsync(context, node.Id, new NodeChange(availability: "drain"), reporter, cancellationToken).ConfigureAwait(false);
            }

            if (node.Role == "manager" && !lastManager)
            {
                // A manager is demoted before it leaves, so the raft quorum shrinks in order.
                reporter.Verbose($"Demoting {host} before it leaves.");
                await UpdateNodeAsync(context, node.Id, new NodeChange(role: "worker"), reporter, cancellationToken).ConfigureAwait(false);
                manager = await context.ReresolveManagerAsync(reporter, cancellationToken).ConfigureAwait(false);
            }

            ClusterMember? member = context.MemberOfNode(node.Id);
            bool left = false;
            if (member != null)
            {
                try
                {
                    IDockerEngine engine = await context.Engines.OpenAsync(EngineOpener.EndpointOf(member), reporter, cancellationToken).ConfigureAwait(false);
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

                await manager.RemoveNodeAsync(node.Id, force || !left, cancellationToken).ConfigureAwait(false);
                await context.RefreshNodesAsync(cancellationToken).ConfigureAwait(false);
            }

            if (member != null)
            {
                context.ForgetMember(node.Id);
            }
        }

        public async Task<string> GetJoinTokenAsync(ClusterContext context, string role, bool rotate, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            SwarmInspectResponse swarm = await context.ReadSwarmAsync(cancellationToken).ConfigureAwait(false);
            if (rotate)
            {
                reporter.Verbose($"Rotating the {role} join token; the old one stops working.");
                await manager.RotateJoinTokenAsync(role, cancellationToken).ConfigureAwait(false);
                swarm = await manager.InspectSwarmAsync(cancellationToken).ConfigureAwait(false);
            }

            return role == "manager" ? swarm.JoinTokens.Manager : swarm.JoinTokens.Worker;
        }

        public async Task<SwarmCluster> DescribeAsync(ClusterContext context, bool isCurrent, CancellationToken cancellationToken)
        {
            SwarmCluster saved = context.Repository.Summarize(context.Record, isCurrent);
            if (context.Manager == null || context.Swarm == null)
            {
                return saved;
            }

            SwarmInspectResponse swarm = await context.ReadSwarmAsync(cancellationToken).ConfigureAwait(false);
            IReadOnlyList<SwarmNode> nodes = await GetNodesAsync(context, cancellationToken).ConfigureAwait(false);
            return new SwarmCluster(new SwarmClusterData
            {
                Name = context.Name,
                Id = swarm.ID,
                CreatedAt = swarm.CreatedAt ?? context.Record.CreatedAt,
                Members = saved.Members,
                Nodes = nodes,
                SnapshotInterval = swarm.Spec?.Raft?.SnapshotInterval ?? 0,
                HeartbeatTick = swarm.Spec?.Raft?.HeartbeatTick ?? 0,
                ElectionTick = swarm.Spec?.Raft?.ElectionTick ?? 0,
                NodeCertificateExpiry = swarm.Spec?.CAConfig?.NodeCertExpiry,
                IsCurrent = isCurrent,
                Path = saved.Path,
            });
        }

        private async Task<SwarmNode> AddNodeAsync(ClusterContext context, IDockerEngine engine, string role, string? advertiseAddress, bool force, bool allowInit, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            string host = engine.Name;
            SystemInfoResponse info = await engine.GetInfoAsync(cancellationToken).ConfigureAwait(false);
            IDockerEngine? manager = context.Manager;
            string state = info.Swarm?.LocalNodeState ?? "inactive";
            string localNodeId = info.Swarm?.NodeID ?? string.Empty;

            // The context's node list answers "already a member?" and "where do I join?".
            IReadOnlyList<NodeListResponse> nodes = context.Nodes;
            if (state == "active" || state == "pending" || state == "locked")
            {
                bool inThisSwarm = manager != null && !string.IsNullOrEmpty(localNodeId) && nodes.Any(n => n.ID == localNodeId);
                if (inThisSwarm)
                {
                    RememberMember(context, engine, localNodeId);
                    SwarmNode current = await DescribeNodeAsync(context, localNodeId, false, cancellationToken).ConfigureAwait(false);
                    if (current.Role == role)
                    {
                        reporter.Verbose($"{host} is already a {role} of cluster '{context.Name}'; nothing to change.");
                        return current;
                    }

                    reporter.Verbose($"{host} is a {current.Role} of cluster '{context.Name}'; making it a {role}.");
                    return await UpdateNodeAsync(context, localNodeId, new NodeChange(role: role), reporter, cancellationToken).ConfigureAwait(false);
                }

                if (!force)
                {
                    throw new SwarmException("NodeInOtherSwarm", SwarmErrorKind.ResourceExists,
                        $"{host} is already a node of another swarm (node id {localNodeId}). Remove it from that swarm first, or run again with -Force to make it leave that swarm.", host);
                }

                reporter.Warning($"{host} leaves the swarm it was in (-Force).");
                await engine.LeaveSwarmAsync(force: true, cancellationToken).ConfigureAwait(false);
            }

            string advertise = await AdvertiseAddressAsync(engine, advertiseAddress, cancellationToken).ConfigureAwait(false);
            if (manager == null)
            {
                if (!string.IsNullOrEmpty(context.Record.SwarmId))
                {
                    // Initialising here would split the cluster into two swarms.
                    throw new SwarmException("NoManagerReachable", SwarmErrorKind.ResourceUnavailable,
                        $"No manager of cluster '{context.Name}' (swarm {context.Record.SwarmId}) answers, so {host} cannot join it. Bring a manager back up; SwarmPS does not start a second swarm under the same name.", host);
                }

                if (!allowInit || role != "manager")
                {
                    throw new SwarmException("NoManagerReachable", SwarmErrorKind.ResourceUnavailable,
                        $"Cluster '{context.Name}' has no reachable manager to join {host} to. Start one with Start-SwarmManager -Cluster {context.Name} -HostName <host> first.", host);
                }

                reporter.Progress("Initialising the swarm", 40);
                reporter.Verbose($"Initialising a new swarm on {host}, advertising {advertise}:{SwarmPort}.");
                string nodeId = await engine.InitSwarmAsync(
                    new SwarmInitParameters { ListenAddr = $"0.0.0.0:{SwarmPort}", AdvertiseAddr = $"{advertise}:{SwarmPort}" },
                    cancellationToken).ConfigureAwait(false);
                await context.AdoptManagerAsync(engine, cancellationToken).ConfigureAwait(false);
                RememberMember(context, engine, nodeId);
                await CopyEngineLabelsAsync(context, engine, nodeId, reporter, cancellationToken, info).ConfigureAwait(false);
                return await DescribeNodeAsync(context, nodeId, true, cancellationToken).ConfigureAwait(false);
            }

            string remote = ManagerAddress(manager, nodes);
            reporter.Progress($"Joining as {role}", 40);
            reporter.Verbose($"Joining {host} to cluster '{context.Name}' as {role} through {remote}, advertising {advertise}:{SwarmPort}.");
            SwarmInspectResponse swarm = await context.ReadSwarmAsync(cancellationToken).ConfigureAwait(false);
            await engine.JoinSwarmAsync(
                new SwarmJoinParameters
                {
                    ListenAddr = $"0.0.0.0:{SwarmPort}",
                    AdvertiseAddr = $"{advertise}:{SwarmPort}",
                    RemoteAddrs = new[] { remote },
                    JoinToken = role == "manager" ? swarm.JoinTokens.Manager : swarm.JoinTokens.Worker,
                },
                cancellationToken).ConfigureAwait(false);

            SystemInfoResponse joined = await engine.GetInfoAsync(cancellationToken).ConfigureAwait(false);
            string joinedId = joined.Swarm?.NodeID ?? string.Empty;
            RememberMember(context, engine, joinedId);
            await context.RefreshNodesAsync(cancellationToken).ConfigureAwait(false);
            await CopyEngineLabelsAsync(context, engine, joinedId, reporter, cancellationToken, joined).ConfigureAwait(false);
            return await DescribeNodeAsync(context, joinedId, true, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Copies the engine's labels into node labels (where no node label of that key exists), so a
        /// constraint on node.labels matches what Get-SwarmNode shows in Labels.
        /// </summary>
        private static async Task CopyEngineLabelsAsync(ClusterContext context, IDockerEngine engine, string nodeId, IOperationReporter reporter, CancellationToken cancellationToken, SystemInfoResponse? info = null)
        {
            info ??= await engine.GetInfoAsync(cancellationToken).ConfigureAwait(false);
            IReadOnlyDictionary<string, string> engineLabels = DockerConnection.EngineLabelsOf(info);
            if (engineLabels.Count == 0)
            {
                return;
            }

            (_, bool added) = await UpdateNodeSpecAsync(context.RequireManager(), nodeId, spec =>
            {
                bool any = false;
                foreach (KeyValuePair<string, string> label in engineLabels)
                {
                    any |= spec.Labels.TryAdd(label.Key, label.Value);
                }

                return any;
            }, cancellationToken).ConfigureAwait(false);
            if (added)
            {
                reporter.Verbose($"Copied engine labels {string.Join(", ", engineLabels.Select(l => $"{l.Key}={l.Value}"))} to node labels, so constraints can use them.");
                await context.RefreshNodesAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Reads a node, lets <paramref name="apply"/> change its spec (false: nothing to change) and sends the update.
        /// Swarm refuses an update made from a version that has moved on ("update out of sequence"), which happens
        /// while a node that just joined is still being registered: then the node is read again and the change
        /// applied anew, a few times.
        /// </summary>
        private static async Task<(NodeListResponse Node, bool Changed)> UpdateNodeSpecAsync(IDockerEngine manager, string nodeId, Func<NodeUpdateParameters, bool> apply, CancellationToken cancellationToken)
        {
            for (int attempt = 1; ; attempt++)
            {
                NodeListResponse node = await manager.InspectNodeAsync(nodeId, cancellationToken).ConfigureAwait(false);
                var spec = new NodeUpdateParameters
                {
                    Name = node.Spec?.Name,
                    Role = node.Spec?.Role,
                    Availability = node.Spec?.Availability,
                    Labels = new Dictionary<string, string>(node.Spec?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal),
                };
                if (!apply(spec))
                {
                    return (node, false);
                }

                try
                {
                    await manager.UpdateNodeAsync(node.ID, node.Version?.Index ?? 0, spec, cancellationToken).ConfigureAwait(false);
                    return (node, true);
                }
                catch (SwarmException moved) when (moved.ErrorId == "UpdateOutOfSequence" && attempt < 5)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken).ConfigureAwait(false);
                }
            }
        }

        private static void RememberMember(ClusterContext context, IDockerEngine engine, string nodeId)
        {
            EngineEndpoint endpoint = engine.Endpoint;
            bool ssh = endpoint.Transport == EngineTransport.Ssh;

            // The transport and the SSH login (user, port, key file's path; never a secret) are saved, so a
            // later session reaches an SSH-only member the same way once Connect-SwarmHost has opened it.
            context.RememberMember(new ClusterMember
            {
                Name = engine.Name,
                Address = endpoint.Address,
                ApiPort = ssh ? 0 : endpoint.Port,
                Tls = endpoint.Tls,
                NodeId = nodeId,
                HostKeyFingerprint = context.Engines.HostKeyFingerprintOf(engine.Name),
                Transport = endpoint.Transport.ToString(),
                SshPort = ssh ? endpoint.Port : 22,
                SshUser = endpoint.UserName,
                KeyFile = endpoint.KeyFile,
            });
        }

        private static async Task<SwarmNode> DescribeNodeAsync(ClusterContext context, string nodeId, bool changed, CancellationToken cancellationToken)
        {
            NodeListResponse node = context.Nodes.FirstOrDefault(n => n.ID == nodeId)
                ?? (await context.RefreshNodesAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(n => n.ID == nodeId)
                ?? throw new SwarmException("NodeNotFound", SwarmErrorKind.ObjectNotFound, $"Node {nodeId} is not in cluster '{context.Name}'.", nodeId);
            IList<TaskResponse> tasks = await context.RequireManager().ListTasksAsync(null, desiredRunning: true, cancellationToken).ConfigureAwait(false);
            return NodeMapper.Map(node, tasks, context.Name, changed);
        }

        private static string ManagerAddress(IDockerEngine manager, IReadOnlyList<NodeListResponse> nodes)
        {
            NodeListResponse? leader = nodes.FirstOrDefault(n => n.ManagerStatus?.Leader == true) ?? nodes.FirstOrDefault(n => n.ManagerStatus != null);
            return leader?.ManagerStatus?.Addr ?? $"{manager.Endpoint.Address}:{SwarmPort}";
        }

        private static async Task WaitUntilDownAsync(IDockerEngine manager, string nodeId, CancellationToken cancellationToken)
        {
            // The managers see a node that left as "down" after a moment; removing it earlier needs force.
            for (int attempt = 0; attempt < 30; attempt++)
            {
                NodeListResponse node = await manager.InspectNodeAsync(nodeId, cancellationToken).ConfigureAwait(false);
                if (string.Equals(node.Status?.State, "down", StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>A promoted node joins raft a moment later; until then a demote fails, so wait for it.</summary>
        private static async Task WaitUntilReachableManagerAsync(IDockerEngine manager, string nodeId, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            reporter.Verbose("Waiting until the promoted node is a reachable manager.");
            for (int attempt = 0; attempt < 60; attempt++)
            {
                NodeListResponse node = await manager.InspectNodeAsync(nodeId, cancellationToken).ConfigureAwait(false);
                if (node.ManagerStatus?.Leader == true || string.Equals(node.ManagerStatus?.Reachability, "reachable", StringComparison.OrdinalIgnoreCase))
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }

            throw new SwarmException("PromotionTimeout", SwarmErrorKind.OperationTimeout,
                $"Node {nodeId} was promoted but did not become a reachable manager within 30 seconds. Check that port 2377 is open between the managers.", nodeId);
        }

        private static async Task<string> AdvertiseAddressAsync(IDockerEngine engine, string? requested, CancellationToken cancellationToken)
        {
            if (!string.IsNullOrEmpty(requested))
            {
                return requested;
            }

            string address = engine.Endpoint.Address;
            if (IPAddress.TryParse(address, out _))
            {
                return address;
            }

            IPAddress[] addresses;
            try
            {
                addresses = await Dns.GetHostAddressesAsync(address, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException unresolved)
            {
                throw new SwarmException("AdvertiseAddressAmbiguous", SwarmErrorKind.InvalidArgument,
                    $"{engine.Name}: the name {address} does not resolve ({unresolved.Message}), so SwarmPS cannot tell which address the other nodes should use. Give it with -AdvertiseAddress.", engine.Name, unresolved);
            }

            IPAddress[] usable = addresses.Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a)).ToArray();
            if (usable.Length == 1)
            {
                return usable[0].ToString();
            }

            throw new SwarmException("AdvertiseAddressAmbiguous", SwarmErrorKind.InvalidArgument,
                $"{engine.Name} has {(usable.Length == 0 ? "no usable" : "several")} addresses ({string.Join(", ", addresses.Select(a => a.ToString()))}), so SwarmPS cannot tell which one the other nodes should use. Give it with -AdvertiseAddress.", engine.Name);
        }
    }
}
