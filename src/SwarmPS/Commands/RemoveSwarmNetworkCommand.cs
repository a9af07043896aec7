using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Networking;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes overlay networks from the cluster; one a container is attached to is refused (NetworkInUse, naming the containers), and Docker's own networks are never removed.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "SwarmNetwork", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(void))]
    public sealed class RemoveSwarmNetworkCommand : ClusterCmdlet
    {
        private const string NameSet = "Name";
        private const string ObjectSet = "InputObject";

        private readonly List<string> names = new List<string>();

        /// <summary>Network names; wildcards allowed (a wildcard never selects Docker's own networks, such as ingress).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(NetworkNameCompleter))]
        public string[] Name { get; set; } = Array.Empty<string>();

        /// <summary>Networks as Get-SwarmNetwork or New-SwarmNetwork return them.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public SwarmNetwork[] InputObject { get; set; } = Array.Empty<SwarmNetwork>();

        protected override void ProcessRecord()
        {
            names.AddRange(ParameterSetName == NameSet ? Name : InputObject.Select(n => n.Name));
        }

        protected override void EndProcessing()
        {
            ClusterContext context = ResolveContext();
            IReadOnlyList<SwarmNetwork> all = NetworkListing.List(this, context, includeLocal: true);
            var targets = new List<SwarmNetwork>();
            foreach (string name in names.Distinct(StringComparer.Ordinal))
            {
                bool wildcard = WildcardPattern.ContainsWildcardCharacters(name);
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                // A wildcard selects the cluster's own overlay networks; a plain name may hit any, to be refused clearly.
                List<SwarmNetwork> matches = all.Where(n => wildcard ? pattern.IsMatch(n.Name) && n.Scope == "swarm" && !n.Ingress : n.Name == name).ToList();
                if (matches.Count == 0 && !wildcard)
                {
                    WriteVerbose($"Cluster '{context.Name}' has no network named '{name}'; nothing to remove.");
                }

                targets.AddRange(matches.Where(m => targets.All(t => t.Id != m.Id)));
            }

            foreach (SwarmNetwork network in targets)
            {
                try
                {
                    NetworkService.RequireRemovable(network);
                    if (network.UsedBy.Count > 0)
                    {
                        throw NetworkService.InUse(network.Name, network.UsedBy);
                    }
                }
                catch (SwarmException refused)
                {
                    WriteError(ErrorRecords.From(refused, network.Name));
                    continue;
                }

                if (ShouldProcess(network.Name, $"Remove overlay network '{network.Name}' from cluster '{context.Name}'"))
                {
                    RunForTarget(network.Name, "Removing networks", async reporter =>
                    {
                        await NetworkListing.Networks.RemoveAsync(context, network.Name, reporter, StopToken).ConfigureAwait(false);
                        return null;
                    });
                }
            }
        }
    }
}
