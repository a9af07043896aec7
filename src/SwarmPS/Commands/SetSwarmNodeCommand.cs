using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Provisioning;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Changes a node's labels, availability (Active, Pause, Drain) or role (promote, demote) through a manager.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "SwarmNode", SupportsShouldProcess = true, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(SwarmNode))]
    public sealed class SetSwarmNodeCommand : ClusterNodeCmdlet
    {
        /// <summary>Node labels to set, as a hashtable or key=value strings.</summary>
        [Parameter]
        [LabelArgumentTransformation]
        public string[]? Label { get; set; }

        /// <summary>Node label keys to remove.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? RemoveLabel { get; set; }

        /// <summary>Active (takes tasks), Pause (keeps its tasks, takes no new ones) or Drain (its tasks move elsewhere).</summary>
        [Parameter]
        [ValidateSet("Active", "Pause", "Drain", IgnoreCase = true)]
        public string? Availability { get; set; }

        /// <summary>Manager (promote) or Worker (demote).</summary>
        [Parameter]
        [ValidateSet("Manager", "Worker", IgnoreCase = true)]
        public string? Role { get; set; }

        protected override void ProcessRecord()
        {
            IReadOnlyDictionary<string, string> labels;
            try
            {
                labels = EngineLabels.Parse(Label ?? Array.Empty<string>());
            }
            catch (SwarmException invalid)
            {
                ThrowTerminatingError(ErrorRecords.From(invalid, Label));
                return;
            }

            var change = new NodeChange(labels, RemoveLabel, Availability, Role);
            if (change.Describe().Length == 0)
            {
                ThrowTerminatingError(ErrorRecords.InvalidArgument("NothingToChange",
                    "Say what to change: -Label, -RemoveLabel, -Availability or -Role.", null));
            }

            ClusterContext context = ResolveContext();
            (IReadOnlyList<SwarmNode> nodes, var wanted) = ResolveNodes(context);
            foreach ((string name, SwarmNode? node) in wanted)
            {
                if (node == null)
                {
                    WriteError(ErrorRecords.From(new SwarmException("NodeNotFound", SwarmErrorKind.ObjectNotFound,
                        $"Cluster '{context.Name}' has no node '{name}'. Its nodes: {string.Join(", ", nodes.Select(n => n.Hostname))}."), name));
                    continue;
                }

                if (!ShouldProcess(node.Hostname, change.Describe()))
                {
                    continue;
                }

                RunForTarget(node.Hostname, "Updating nodes", async reporter =>
                    NodeOutput.Wrap(await Service.UpdateNodeAsync(context, node.Id, change, reporter, StopToken).ConfigureAwait(false)));
            }
        }
    }
}
