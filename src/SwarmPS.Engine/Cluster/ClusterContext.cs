using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Docker;

namespace SwarmPS.Engine.Cluster
{
    /// <summary>Reads a command will make from the manager, asked for together with the swarm and its node list when the context is made.</summary>
    [Flags]
    public enum ManagerReads
    {
        None = 0,

        /// <summary>The tasks meant to run (docker node ps, docker ps).</summary>
        RunningTasks = 1,

        /// <summary>Every task the manager still has.</summary>
        AllTasks = 2,

        /// <summary>The services.</summary>
        Services = 4,
    }

    /// <summary>
    /// One command's view of a cluster: the saved record, a reachable manager of its swarm and the node
    /// list, resolved once and handed to the services. Changes to the members go through here, so the
    /// record in memory and the file stay alike even when several hosts join at once.
    /// </summary>
    public sealed class ClusterContext
    {
        private readonly object gate = new object();
        private readonly List<ClusterMember> notConnected = new List<ClusterMember>();
        private IReadOnlyList<NodeListResponse> nodes;
        private IList<TaskResponse>? prefetchedRunningTasks;
        private IList<TaskResponse>? prefetchedAllTasks;
        private IList<SwarmService>? prefetchedServices;

        private ClusterContext(ClusterRecord record, ClusterRepository repository, IEngineSource engines, IDockerEngine? manager, SwarmInspectResponse? swarm, IReadOnlyList<NodeListResponse> nodes)
        {
            Record = record;
            Repository = repository;
            Engines = engines;
            Manager = manager;
            Swarm = swarm;
            this.nodes = nodes;
        }

        public ClusterRecord Record { get; }

        public string Name => Record.Name;

        public ClusterRepository Repository { get; }

        public IEngineSource Engines { get; }

        /// <summary>A reachable manager of the cluster's swarm; null before the first manager starts or when none answers.</summary>
        public IDockerEngine? Manager { get; private set; }

        public SwarmInspectResponse? Swarm { get; private set; }

        /// <summary>The swarm's nodes as the manager listed them when the context was made or last refreshed.</summary>
        public IReadOnlyList<NodeListResponse> Nodes
        {
            get
            {
                lock (gate)
                {
                    return nodes;
                }
            }
        }

        /// <summary>
        /// Finds a manager among the members (the first that answers for this swarm) and reads the node list once,
        /// together with the <paramref name="reads"/> the command will make next (see <see cref="ListTasksAsync"/>).
        /// </summary>
        public static async Task<ClusterContext> ResolveAsync(ClusterRecord record, ClusterRepository repository, IEngineSource engines, IOperationReporter reporter, CancellationToken cancellationToken, ManagerReads reads = ManagerReads.None)
        {
            var context = new ClusterContext(record, repository, engines, null, null, Array.Empty<NodeListResponse>());
            await context.FindManagerAsync(reads, reporter, cancellationToken).ConfigureAwait(false);
            return context;
        }

        /// <summary>
        /// The manager's tasks: the first ask is answered by the read made with the node list when the context was
        /// made (if it was asked for there), every later one by the manager afresh.
        /// </summary>
        public Task<IList<TaskResponse>> ListTasksAsync(bool desiredRunning, CancellationToken cancellationToken)
        {
            IList<TaskResponse>? prefetched;
            lock (gate)
            {
                prefetched = desiredRunning ? prefetchedRunningTasks : prefetchedAllTasks;
                prefetchedRunningTasks = desiredRunning ? null : prefetchedRunningTasks;
                prefetchedAllTasks = desiredRunning ? prefetchedAllTasks : null;
            }

            return prefetched != null ? Task.FromResult(prefetched) : RequireManager().ListTasksAsync(null, desiredRunning, cancellationToken);
        }

        /// <summary>The swarm's services, answered once from the read made with the node list, as <see cref="ListTasksAsync"/>.</summary>
        public Task<IList<SwarmService>> ListServicesAsync(CancellationToken cancellationToken)
        {
            IList<SwarmService>? prefetched;
            lock (gate)
            {
                prefetched = prefetchedServices;
                prefetchedServices = null;
            }

            return prefetched != null ? Task.FromResult(prefetched) : RequireManager().ListServicesAsync(null, cancellationToken);
        }

        /// <summary>The manager, or a NoManagerReachable error that says what to do.</summary>
        public IDockerEngine RequireManager() => Manager ?? throw NoManager();

        /// <summary>Looks for a manager again, after the one in use was demoted or went away.</summary>
        public async Task<IDockerEngine> ReresolveManagerAsync(IOperationReporter reporter, CancellationToken cancellationToken)
        {
            await FindManagerAsync(ManagerReads.None, reporter, cancellationToken).ConfigureAwait(false);
            return RequireManager();
        }

        /// <summary>Reads the node list from the manager again, after a change.</summary>
        public async Task<IReadOnlyList<NodeListResponse>> RefreshNodesAsync(CancellationToken cancellationToken)
        {
            IList<NodeListResponse> fresh = await RequireManager().ListNodesAsync(cancellationToken).ConfigureAwait(false);
            lock (gate)
            {
                nodes = fresh.ToList();
                return nodes;
            }
        }

        /// <summary>Takes a newly initialised swarm's first manager as this context's manager.</summary>
        public async Task AdoptManagerAsync(IDockerEngine manager, CancellationToken cancellationToken)
        {
            SwarmInspectResponse swarm = await manager.InspectSwarmAsync(cancellationToken).ConfigureAwait(false);
            lock (gate)
            {
                Manager = manager;
                Swarm = swarm;
                Record.SwarmId = swarm.ID;
            }

            await RefreshNodesAsync(cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// The swarm as the manager reports it now: for what must not be a session old (join tokens, settings), since
        /// <see cref="Swarm"/> may be what the manager reported when this session first found it.
        /// </summary>
        public async Task<SwarmInspectResponse> ReadSwarmAsync(CancellationToken cancellationToken)
        {
            IDockerEngine manager = RequireManager();
            SwarmInspectResponse swarm = await manager.InspectSwarmAsync(cancellationToken).ConfigureAwait(false);
            manager.ManagedSwarm = swarm;
            lock (gate)
            {
                Swarm = swarm;
            }

            return swarm;
        }

        /// <summary>Saves a host as a member (replacing an older entry of the same name), in memory and on disk.</summary>
        public void RememberMember(ClusterMember member)
        {
            string swarmId;
            lock (gate)
            {
                Upsert(Record.Members, member);
                swarmId = Record.SwarmId;
            }

            Repository.Update(Record.Name, saved =>
            {
                if (!string.IsNullOrEmpty(swarmId))
                {
                    saved.SwarmId = swarmId;
                }

                Upsert(saved.Members, member);
            });
        }

        /// <summary>Forgets the member that is node <paramref name="nodeId"/>, in memory and on disk.</summary>
        public void ForgetMember(string nodeId)
        {
            lock (gate)
            {
                Record.Members.RemoveAll(m => m.NodeId == nodeId);
            }

            Repository.Update(Record.Name, saved => saved.Members.RemoveAll(m => m.NodeId == nodeId));
        }

        public ClusterMember? MemberOfNode(string nodeId)
        {
            lock (gate)
            {
                return Record.Members.FirstOrDefault(m => m.NodeId == nodeId);
            }
        }

        public IReadOnlyList<ClusterMember> Members
        {
            get
            {
                lock (gate)
                {
                    return Record.Members.ToList();
                }
            }
        }

        private async Task FindManagerAsync(ManagerReads reads, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            lock (gate)
            {
                notConnected.Clear();
            }

            foreach (ClusterMember member in Members)
            {
                try
                {
                    IDockerEngine engine = await Engines.OpenAsync(EngineOpener.EndpointOf(member), reporter, cancellationToken).ConfigureAwait(false);

                    // An engine this session has seen manage the swarm is not asked for the swarm again while the node list
                    // it gives (only a manager gives one) still holds the member's node id: node ids are random, so that
                    // list is of this swarm. An engine that left, or now manages another swarm, fails the check.
                    SwarmInspectResponse? known = engine.ManagedSwarm;
                    bool trusted = known != null && !string.IsNullOrEmpty(Record.SwarmId) && known.ID == Record.SwarmId && !string.IsNullOrEmpty(member.NodeId);
                    if (await TryManagerAsync(member, engine, trusted, reads, reporter, cancellationToken).ConfigureAwait(false)
                        || (trusted && await TryManagerAsync(member, engine, false, reads, reporter, cancellationToken).ConfigureAwait(false)))
                    {
                        reporter.Verbose($"Using {member.Name} as the manager of cluster '{Record.Name}'.");
                        return;
                    }
                }
                catch (SwarmException notManager)
                {
                    if (notManager.ErrorId == "HostNotConnected")
                    {
                        lock (gate)
                        {
                            notConnected.Add(member);
                        }
                    }

                    reporter.Verbose($"{member.Name} is no manager that answers ({notManager.ErrorId}); trying the next member.");
                }
            }

            lock (gate)
            {
                Manager = null;
                Swarm = null;
                nodes = Array.Empty<NodeListResponse>();
            }
        }

        /// <summary>
        /// Reads the swarm (unless <paramref name="trusted"/>), its nodes and the asked <paramref name="reads"/> from one
        /// member, all at once, so a warm command waits for one answer rather than several; keeps them when the member
        /// manages this cluster's swarm. False when it manages another swarm, or a trusted one no longer checks out.
        /// </summary>
        private async Task<bool> TryManagerAsync(ClusterMember member, IDockerEngine engine, bool trusted, ManagerReads reads, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            Task<SwarmInspectResponse> swarmRead = trusted ? Task.FromResult(engine.ManagedSwarm!) : engine.InspectSwarmAsync(cancellationToken);
            Task<IList<NodeListResponse>> nodesRead = engine.ListNodesAsync(cancellationToken);
            Task<IList<TaskResponse>>? runningRead = reads.HasFlag(ManagerReads.RunningTasks) ? engine.ListTasksAsync(null, desiredRunning: true, cancellationToken) : null;
            Task<IList<TaskResponse>>? allRead = reads.HasFlag(ManagerReads.AllTasks) ? engine.ListTasksAsync(null, desiredRunning: false, cancellationToken) : null;
            Task<IList<SwarmService>>? servicesRead = reads.HasFlag(ManagerReads.Services) ? engine.ListServicesAsync(null, cancellationToken) : null;
            try
            {
                await Task.WhenAll(new Task?[] { swarmRead, nodesRead, runningRead, allRead, servicesRead }.OfType<Task>()).ConfigureAwait(false);
            }
            catch (SwarmException) when (trusted)
            {
                // No longer a manager (or not answering): forget it, and let the caller ask the next member.
                engine.ManagedSwarm = null;
                throw;
            }

            SwarmInspectResponse swarm = await swarmRead.ConfigureAwait(false);
            IList<NodeListResponse> listed = await nodesRead.ConfigureAwait(false);
            if (trusted && !listed.Any(n => n.ID == member.NodeId))
            {
                engine.ManagedSwarm = null;
                return false;
            }

            if (!string.IsNullOrEmpty(Record.SwarmId) && swarm.ID != Record.SwarmId)
            {
                reporter.Verbose($"{member.Name} manages another swarm ({swarm.ID}); trying the next member.");
                return false;
            }

            engine.ManagedSwarm = swarm;
            lock (gate)
            {
                Manager = engine;
                Swarm = swarm;
                nodes = listed.ToList();
                prefetchedRunningTasks = runningRead?.Result;
                prefetchedAllTasks = allRead?.Result;
                prefetchedServices = servicesRead?.Result;
            }

            return true;
        }

        private SwarmException NoManager()
        {
            // Members reached over SSH only answer once their SSH sessions are open: say which command opens them.
            List<ClusterMember> closed;
            lock (gate)
            {
                closed = notConnected.ToList();
            }

            if (closed.Count > 0)
            {
                return new SwarmException("HostNotConnected", SwarmErrorKind.ObjectNotFound,
                    $"No manager of cluster '{Record.Name}' answers: its members {string.Join(", ", closed.Select(m => m.Name))} are reached over SSH, and this PowerShell session has no SSH session to them. Open them, then run the command again:{Environment.NewLine}{string.Join(Environment.NewLine, closed.Select(m => "  " + EngineOpener.EndpointOf(m).ConnectCommand()))}",
                    closed[0].Name);
            }

            return NoManagerAtAll();
        }

        private SwarmException NoManagerAtAll() => new SwarmException("NoManagerReachable", SwarmErrorKind.ResourceUnavailable,
            Record.Members.Count == 0 || string.IsNullOrEmpty(Record.SwarmId)
                ? $"Cluster '{Record.Name}' has no manager yet. Start one with Start-SwarmManager -Cluster {Record.Name} -HostName <host>."
                : $"No manager of cluster '{Record.Name}' answers ({string.Join(", ", Record.Members.Select(m => m.Name))}). Check that the hosts are up and their Engine API is reachable.",
            Record.Name);

        private static void Upsert(List<ClusterMember> members, ClusterMember member)
        {
            members.RemoveAll(m => string.Equals(m.Name, member.Name, StringComparison.OrdinalIgnoreCase));
            members.Add(member);
        }
    }
}
