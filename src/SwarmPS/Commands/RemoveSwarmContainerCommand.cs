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
    /// <para type="synopsis">Removes containers from the cluster: the swarm service behind them (and its secrets), or a plain container on its node.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "SwarmContainer", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveSwarmContainerCommand : ClusterCmdlet
    {
        private const string NameSet = "Name";
        private const string ObjectSet = "InputObject";

        /// <summary>Container (service) names, container names or node/name; wildcards allowed.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>Containers as Get-SwarmContainer or New-SwarmContainer return them.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public SwarmContainer[] InputObject { get; set; } = Array.Empty<SwarmContainer>();

        protected override void ProcessRecord()
        {
            ClusterContext context = ResolveContext();
            List<SwarmContainer> targets;
            if (ParameterSetName == ObjectSet)
            {
                targets = InputObject.ToList();
            }
            else
            {
                IReadOnlyList<SwarmContainer> all = Array.Empty<SwarmContainer>();
                RunAsync(async channel => all = await Workloads.ListAsync(context, true, true, channel.ReporterFor(context.Name, "Listing containers"), StopToken).ConfigureAwait(false));
                (IReadOnlyList<SwarmContainer> matches, IReadOnlyList<string> missing) = ContainerResolver.Select(all, Name);
                targets = matches.ToList();
                foreach (string name in missing)
                {
                    // A service whose task never started has no container, but is still there to remove.
                    SwarmContainer? service = null;
                    RunAsync(async channel => service = await Workloads.FindServiceByNameAsync(context, name, StopToken).ConfigureAwait(false));
                    if (service != null)
                    {
                        targets.Add(service);
                    }
                    else
                    {
                        WriteVerbose($"No container named '{name}' in cluster '{context.Name}'; nothing to remove.");
                    }
                }
            }

            // One removal per service: its replicas go with it.
            foreach (SwarmContainer container in targets.GroupBy(c => string.IsNullOrEmpty(c.ServiceId) ? c.ContainerId : c.ServiceId).Select(g => g.First()))
            {
                string what = string.IsNullOrEmpty(container.ServiceId) ? $"Remove container {container.ContainerName} on {container.Node}" : $"Remove service '{container.Name}' and its containers";
                if (ShouldProcess(container.ToString(), what))
                {
                    RunForTarget(container.ToString(), "Removing containers", async reporter =>
                    {
                        await Workloads.RemoveAsync(context, container, reporter, StopToken).ConfigureAwait(false);
                        return null;
                    });
                }
            }
        }
    }
}
