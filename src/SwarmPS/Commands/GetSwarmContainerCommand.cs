using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Workloads;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the containers on the cluster's nodes together, like docker ps across the cluster: node/name, image, status and host ports, read from the manager.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SwarmContainer")]
    [OutputType(typeof(SwarmContainer))]
    public sealed class GetSwarmContainerCommand : ClusterCmdlet
    {
        /// <summary>Container (service) names; wildcards allowed.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        /// <summary>Only containers on these nodes (hostnames; wildcards allowed), like docker ps on one node.</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public string[]? Node { get; set; }

        /// <summary>Also show stopped containers (docker ps -a), and swarm tasks that have no container.</summary>
        [Parameter]
        public SwitchParameter All { get; set; }

        /// <summary>Also list the containers started on the members outside the swarm, which only each node's engine knows: asks every member.</summary>
        [Parameter]
        public SwitchParameter IncludeStandalone { get; set; }

        protected override void ProcessRecord()
        {
            ClusterContext context = ResolveContext(ManagerReads.Services | (All.IsPresent ? ManagerReads.AllTasks : ManagerReads.RunningTasks));
            IReadOnlyList<SwarmContainer> containers = Array.Empty<SwarmContainer>();
            RunAsync(async channel => containers = await Workloads.ListAsync(context, All.IsPresent, IncludeStandalone.IsPresent, channel.ReporterFor(context.Name, "Listing containers"), StopToken).ConfigureAwait(false));

            IEnumerable<SwarmContainer> selected = Node == null ? containers : ContainerResolver.OnNodes(containers, Node);
            if (Name != null)
            {
                (IReadOnlyList<SwarmContainer> matches, IReadOnlyList<string> missing) = ContainerResolver.Select(selected.ToList(), Name);
                foreach (string name in missing)
                {
                    WriteError(ErrorRecords.From(new SwarmException("ContainerNotFound", SwarmErrorKind.ObjectNotFound,
                        $"No container named '{name}' runs in cluster '{context.Name}'. Get-SwarmContainer -All lists stopped ones too."), name));
                }

                selected = matches;
            }

            WriteObject(selected, enumerateCollection: true);
        }
    }
}
