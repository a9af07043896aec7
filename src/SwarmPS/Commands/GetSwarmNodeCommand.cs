using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the nodes of a cluster as objects, like docker node ls, with labels, containers and reservations.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SwarmNode")]
    [OutputType(typeof(SwarmNode))]
    public sealed class GetSwarmNodeCommand : ClusterCmdlet
    {
        /// <summary>Node host names or ids; wildcards allowed.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Hostname")]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Only managers or only workers.</summary>
        [Parameter]
        [ValidateSet("Manager", "Worker", IgnoreCase = true)]
        public string? Role { get; set; }

        /// <summary>Only nodes with these labels (key=value, or key alone for any value), as Labels shows them.</summary>
        [Parameter]
        [LabelArgumentTransformation]
        [ArgumentCompleter(typeof(LabelCompleter))]
        public string[]? Label { get; set; }

        protected override void ProcessRecord()
        {
            ClusterContext context = ResolveContext(ManagerReads.RunningTasks);
            ClusterRecord record = context.Record;
            IReadOnlyList<SwarmNode> nodes = Array.Empty<SwarmNode>();
            RunAsync(async channel => nodes = await Service.GetNodesAsync(context, StopToken).ConfigureAwait(false));

            IEnumerable<SwarmNode> selected = nodes;
            if (Role != null)
            {
                selected = selected.Where(n => string.Equals(n.Role, Role, StringComparison.OrdinalIgnoreCase));
            }

            foreach (string filter in Label ?? Array.Empty<string>())
            {
                int equals = filter.IndexOf('=');
                string key = equals < 0 ? filter : filter.Substring(0, equals);
                string? value = equals < 0 ? null : filter.Substring(equals + 1);
                selected = selected.Where(n => n.Labels.TryGetValue(key, out string? actual) && (value == null || actual == value));
            }

            if (Name == null)
            {
                WriteObject(selected.Select(NodeOutput.Wrap), enumerateCollection: true);
                return;
            }

            List<SwarmNode> candidates = selected.ToList();
            foreach (string name in Name)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                var matches = candidates.Where(n => pattern.IsMatch(n.Hostname) || pattern.IsMatch(n.Id) || pattern.IsMatch(n.Address)).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WriteError(ErrorRecords.From(new SwarmException("NodeNotFound", SwarmErrorKind.ObjectNotFound,
                        $"Cluster '{record.Name}' has no node '{name}'. Its nodes: {string.Join(", ", nodes.Select(n => n.Hostname))}."), name));
                }

                WriteObject(matches.Select(NodeOutput.Wrap), enumerateCollection: true);
            }
        }
    }
}
