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
    /// <para type="synopsis">Lists containers across the cluster's nodes, like the seed's docker -H swarm ps: node/name, image, status and host ports.</para>
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

        /// <summary>Also show stopped containers (docker ps -a).</summary>
        [Parameter]
        public SwitchParameter All { get; set; }

        protected override void ProcessRecord()
        {
            ClusterRecord record = ResolveCluster();
            var workloads = new WorkloadService(Service);
            IReadOnlyList<SwarmContainer> containers = Array.Empty<SwarmContainer>();
            RunAsync(async channel => containers = await workloads.ListAsync(record, All.IsPresent, channel.ReporterFor(record.Name, "Listing containers"), StopToken).ConfigureAwait(false));

            IEnumerable<SwarmContainer> selected = containers;
            if (Node != null)
            {
                var nodePatterns = Node.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
                selected = selected.Where(c => nodePatterns.Any(p => p.IsMatch(c.Node) || p.IsMatch(c.Address)));
            }

            if (Name != null)
            {
                var namePatterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
                selected = selected.Where(c => namePatterns.Any(p => p.IsMatch(c.Name) || p.IsMatch(c.ContainerName) || p.IsMatch(c.ToString())));
                foreach (string name in Name.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
                {
                    if (!containers.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase) || string.Equals(c.ContainerName, name, StringComparison.OrdinalIgnoreCase) || string.Equals(c.ToString(), name, StringComparison.OrdinalIgnoreCase)))
                    {
                        WriteError(ErrorRecords.From(new SwarmException("ContainerNotFound", SwarmErrorKind.ObjectNotFound,
                            $"No container named '{name}' runs in cluster '{record.Name}'."), name));
                    }
                }
            }

            WriteObject(selected, enumerateCollection: true);
        }
    }
}
