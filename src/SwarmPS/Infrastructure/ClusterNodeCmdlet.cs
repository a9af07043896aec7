using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;

namespace SwarmPS.Infrastructure
{
    /// <summary>Base of the cmdlets that act on existing nodes: by name (hostname, id or address) or as SwarmNode objects.</summary>
    public abstract class ClusterNodeCmdlet : ClusterCmdlet
    {
        internal const string NameSet = "Name";
        internal const string ObjectSet = "InputObject";

        /// <summary>Node host names, ids or addresses.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [Alias("Hostname")]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>Nodes as Get-SwarmNode returns them.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public SwarmNode[] InputObject { get; set; } = Array.Empty<SwarmNode>();

        /// <summary>The cluster's current nodes, and the name each asked-for node was given by.</summary>
        internal (IReadOnlyList<SwarmNode> All, IEnumerable<(string Name, SwarmNode? Node)> Wanted) ResolveNodes(ClusterContext context)
        {
            IReadOnlyList<SwarmNode> nodes = Array.Empty<SwarmNode>();
            RunAsync(async channel => nodes = await Service.GetNodesAsync(context, StopToken).ConfigureAwait(false));
            IEnumerable<string> names = ParameterSetName == ObjectSet ? InputObject.Select(n => n.Id) : Name;
            return (nodes, names.Select(name => (name, Find(nodes, name))).ToList());
        }

        internal static SwarmNode? Find(IReadOnlyList<SwarmNode> nodes, string name) =>
            nodes.FirstOrDefault(n => string.Equals(n.Hostname, name, StringComparison.OrdinalIgnoreCase) || n.Id == name || n.Address == name);
    }
}
