using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.State;
using SwarmPS.Engine.Workloads;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Base of the cmdlets that work on a named cluster. -Cluster may be left out: the current cluster
    /// (the last one created or opened, as with docker context use) is taken.
    /// </summary>
    public abstract class ClusterCmdlet : SwarmCmdlet
    {
        private ClusterContext? context;

        /// <summary>The cluster's name; the current cluster when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ClusterNameCompleter))]
        public string? Cluster { get; set; }

        internal static ClusterRepository Repository => new ClusterRepository(SwarmPaths.StateDirectory);

        internal static SwarmClusterService Service { get; } = new SwarmClusterService();

        internal static WorkloadService Workloads { get; } = new WorkloadService();

        /// <summary>Loads the cluster named by -Cluster, or the current one; terminates with a clear error when there is none.</summary>
        internal ClusterRecord ResolveCluster() => LoadCluster(this, Cluster);

        /// <summary>
        /// The cluster's record, a reachable manager and its node list, resolved once per command (a
        /// pipeline of many items shares it) and handed to the services. <paramref name="reads"/> are the
        /// manager reads the command makes next, asked for together with the node list.
        /// </summary>
        internal ClusterContext ResolveContext(ManagerReads reads = ManagerReads.None)
        {
            ClusterRecord record = ResolveCluster();
            if (context == null || context.Name != record.Name)
            {
                context = OpenContext(this, record, reads);
            }

            return context;
        }

        /// <summary>Finds the cluster's manager and node list for any cmdlet, on its pipeline thread's pump.</summary>
        internal static ClusterContext OpenContext(SwarmCmdlet cmdlet, ClusterRecord record, ManagerReads reads = ManagerReads.None)
        {
            ClusterContext? resolved = null;
            cmdlet.RunAsync(async channel => resolved = await ClusterContext.ResolveAsync(record, Repository, cmdlet.Engines, channel.ReporterFor(record.Name, "Finding a manager"), cmdlet.StopToken, reads).ConfigureAwait(false));
            return resolved!;
        }

        /// <summary>
        /// The service names a change acts on: piped containers by their service, names and wildcards against
        /// the cluster's services. A plain name that matches nothing is a ContainerNotFound error for it.
        /// </summary>
        internal IReadOnlyList<string> ServiceNamesFor(ClusterContext context, IEnumerable<string> names, IEnumerable<SwarmContainer> containers)
        {
            var wanted = names.Concat(containers.Select(c => c.Name)).ToList();
            IReadOnlyList<string> services = Array.Empty<string>();
            RunAsync(async channel => services = await Workloads.ServiceNamesAsync(context, StopToken).ConfigureAwait(false));
            (IReadOnlyList<string> matches, IReadOnlyList<string> missing) = ContainerResolver.SelectServices(services, wanted);
            foreach (string name in missing)
            {
                WriteError(ErrorRecords.From(new SwarmException("ContainerNotFound", SwarmErrorKind.ObjectNotFound,
                    $"No container named '{name}' runs in cluster '{context.Name}'. Get-SwarmContainer lists them."), name));
            }

            return matches;
        }

        /// <summary>
        /// Plans a change for each service, asks (ShouldProcess, with the plan's field-by-field text) for each that
        /// would change, and applies the approved ones; each service's failure is an error for it alone.
        /// </summary>
        internal void ChangeServices(ClusterContext context, IReadOnlyList<string> services, string activity, Func<string, IOperationReporter, Task<ContainerChangePlan>> plan, bool noWait, TimeSpan timeout)
        {
            var updater = new ContainerUpdater();
            foreach (string service in services)
            {
                ContainerChangePlan? planned = null;
                RunForTarget(service, activity, async reporter =>
                {
                    planned = await plan(service, reporter).ConfigureAwait(false);
                    return null;
                });
                if (planned == null || (planned.NeedsChange && !ShouldProcess(service, planned.Describe())))
                {
                    continue;
                }

                ContainerChangePlan approved = planned;
                RunForTarget(service, activity, async reporter =>
                    await updater.ApplyAsync(context, approved, noWait, timeout, reporter, StopToken).ConfigureAwait(false));
            }
        }

        /// <summary>Makes a cluster the current one, for this session and later ones.</summary>
        internal static void MakeCurrent(string name) => Repository.Current = name;

        /// <summary>Loads the named (or current) cluster for any cmdlet; terminates with the repository's error.</summary>
        internal static ClusterRecord LoadCluster(SwarmCmdlet cmdlet, string? name)
        {
            try
            {
                ClusterRepository repository = Repository;
                return repository.Load(repository.ResolveName(name));
            }
            catch (SwarmException failure)
            {
                cmdlet.ThrowTerminatingError(ErrorRecords.From(failure, name ?? failure.Target));
                throw;
            }
        }
    }
}
