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
            ClusterContext context = ResolveContext();
            (_, var wanted) = ResolveNodes(context);
            foreach ((string name, SwarmNode? node) in wanted)
            {
                if (node == null)
                {
                    WriteVerbose($"Cluster '{context.Name}' has no node '{name}'; nothing to remove.");
                    continue;
                }

                if (ShouldProcess(node.Hostname, $"{(Drain.IsPresent ? "Drain, then remove" : "Remove")} from cluster '{context.Name}'"))
                {
                    RunForTarget(node.Hostname, "Removing nodes", async reporter =>
                    {
                        await Service.RemoveNodeAsync(context, node, Drain.IsPresent, Force.IsPresent, reporter, StopToken).ConfigureAwait(false);
                        reporter.Verbose($"Removed from cluster '{context.Name}'.");
                        return null;
                    });
                }
            }
        }
    }
}
