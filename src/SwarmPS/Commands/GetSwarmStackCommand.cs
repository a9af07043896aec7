using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Stacks;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the cluster's stacks with their services, replicas running and desired, and published ports.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SwarmStack")]
    [OutputType(typeof(SwarmStack))]
    public sealed class GetSwarmStackCommand : ClusterCmdlet
    {
        /// <summary>Stack names; wildcards allowed. All stacks when omitted.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        protected override void ProcessRecord()
        {
            ClusterContext context = ResolveContext();
            var patterns = (Name ?? new[] { "*" }).Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
            IReadOnlyList<SwarmStack> stacks = Array.Empty<SwarmStack>();
            RunAsync(async channel => stacks = await new StackDeployer().ListAsync(context, name => patterns.Any(p => p.IsMatch(name)), StopToken).ConfigureAwait(false));
            foreach (string name in (Name ?? Array.Empty<string>()).Where(n => !WildcardPattern.ContainsWildcardCharacters(n) && stacks.All(s => !s.Name.Equals(n, StringComparison.OrdinalIgnoreCase))))
            {
                WriteError(ErrorRecords.From(new SwarmException("StackNotFound", SwarmErrorKind.ObjectNotFound,
                    $"No stack named '{name}' in cluster '{context.Name}'. Get-SwarmStack lists them; Deploy-SwarmStack creates one.", name), name));
            }

            WriteObject(stacks, enumerateCollection: true);
        }
    }
}
