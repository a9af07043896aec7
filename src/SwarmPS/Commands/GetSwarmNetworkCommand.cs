using System.Collections.Generic;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the cluster's swarm networks, like docker network ls on a manager: name, driver, options, subnets and the containers attached to each.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SwarmNetwork")]
    [OutputType(typeof(SwarmNetwork))]
    public sealed class GetSwarmNetworkCommand : ClusterCmdlet
    {
        /// <summary>Network names; wildcards allowed. All when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(NetworkNameCompleter))]
        public string[]? Name { get; set; }

        /// <summary>Also list the manager's own local networks (bridge, host, none, docker_gwbridge and user-defined ones), which swarm containers cannot join.</summary>
        [Parameter]
        public SwitchParameter IncludeLocal { get; set; }

        protected override void ProcessRecord()
        {
            ClusterContext context = ResolveContext();
            (IReadOnlyList<SwarmNetwork> matches, IReadOnlyList<string> missing) = NetworkListing.Select(NetworkListing.List(this, context, IncludeLocal.IsPresent), Name);
            foreach (string name in missing)
            {
                WriteError(ErrorRecords.From(new SwarmException("NetworkNotFound", SwarmErrorKind.ObjectNotFound,
                    $"Cluster '{context.Name}' has no {(IncludeLocal.IsPresent ? string.Empty : "swarm ")}network named '{name}'. Get-SwarmNetwork lists them{(IncludeLocal.IsPresent ? string.Empty : "; -IncludeLocal adds the manager's local ones")}."), name));
            }

            WriteObject(matches, enumerateCollection: true);
        }
    }
}
