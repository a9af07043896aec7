using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Takes nodes out of the cluster: optionally drains them, makes them leave, and removes them from the managers' list.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "SwarmNode", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveSwarmNodeCommand : ClusterNodeCmdlet
    {
        /// <summary>Drain the node first, so its tasks move to other nodes before it leaves.</summary>
        [Parameter]
        public SwitchParameter Drain { get; set; }

        /// <summary>Leave and remove even when the node is unreachable or the last manager.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            ClusterRecord record = ResolveCluster();
            (_, var wanted) = ResolveNodes(record);
            foreach ((string name, SwarmNode? node) in wanted)
            {
                if (node == null)
                {
                    WriteVerbose($"Cluster '{record.Name}' has no node '{name}'; nothing to remove.");
                    continue;
                }

                if (ShouldProcess(node.Hostname, $"{(Drain.IsPresent ? "Drain, then remove" : "Remove")} from cluster '{record.Name}'"))
                {
                    RunAsync(channel => Service.RemoveNodeAsync(record, node, Drain.IsPresent, Force.IsPresent, channel.ReporterFor(node.Hostname, "Removing nodes"), StopToken));
                    WriteVerbose($"Removed {node.Hostname} from cluster '{record.Name}'.");
                }
            }
        }
    }
}
