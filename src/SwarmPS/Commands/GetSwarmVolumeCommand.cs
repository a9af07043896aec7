using System.Collections.Generic;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the volumes on the cluster's nodes, like docker volume ls on each node together: name, node, driver, labels and the containers that use each.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SwarmVolume")]
    [OutputType(typeof(SwarmVolume))]
    public sealed class GetSwarmVolumeCommand : ClusterCmdlet
    {
        /// <summary>Volume names; wildcards allowed.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        /// <summary>Only the volumes on these nodes (hostnames; wildcards allowed); only those nodes are asked.</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public string[]? Node { get; set; }

        protected override void ProcessRecord()
        {
            ClusterContext context = ResolveContext();
            IReadOnlyList<SwarmVolume> volumes = VolumeListing.List(this, context, Node);
            if (Name == null)
            {
                WriteObject(volumes, enumerateCollection: true);
                return;
            }

            (IReadOnlyList<SwarmVolume> matches, IReadOnlyList<string> missing) = VolumeListing.Select(volumes, Name);
            foreach (string name in missing)
            {
                WriteError(ErrorRecords.From(new SwarmException("VolumeNotFound", SwarmErrorKind.ObjectNotFound,
                    $"No node of cluster '{context.Name}'{(Node == null ? string.Empty : " among " + string.Join(", ", Node))} has a volume named '{name}'. Get-SwarmVolume lists them."), name));
            }

            WriteObject(matches, enumerateCollection: true);
        }
    }
}
