using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Networking;

namespace SwarmPS.Infrastructure
{
    /// <summary>The listing and name selection Get-SwarmNetwork and Remove-SwarmNetwork share.</summary>
    internal static class NetworkListing
    {
        internal static NetworkService Networks { get; } = new NetworkService();

        public static IReadOnlyList<SwarmNetwork> List(SwarmCmdlet cmdlet, ClusterContext context, bool includeLocal)
        {
            IReadOnlyList<SwarmNetwork> found = Array.Empty<SwarmNetwork>();
            cmdlet.RunAsync(async channel => found = await Networks.ListAsync(context, includeLocal, cmdlet.StopToken).ConfigureAwait(false));
            return found;
        }

        /// <summary>The networks the names (wildcards allowed) select, in listing order, and the plain names that matched nothing.</summary>
        public static (IReadOnlyList<SwarmNetwork> Matches, IReadOnlyList<string> Missing) Select(IReadOnlyList<SwarmNetwork> all, IReadOnlyCollection<string>? names)
        {
            if (names == null)
            {
                return (all, Array.Empty<string>());
            }

            var patterns = names.Select(n => (Name: n, Pattern: new WildcardPattern(n, WildcardOptions.IgnoreCase))).ToList();
            List<SwarmNetwork> matches = all.Where(o => patterns.Any(p => p.Pattern.IsMatch(o.Name))).ToList();
            List<string> missing = patterns.Where(p => !WildcardPattern.ContainsWildcardCharacters(p.Name) && !all.Any(o => p.Pattern.IsMatch(o.Name)))
                .Select(p => p.Name).ToList();
            return (matches, missing);
        }
    }

    /// <summary>Completes the current cluster's overlay network names (-Network, Get-/Remove-SwarmNetwork -Name).</summary>
    public sealed class NetworkNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IReadOnlyList<SwarmNetwork>? networks = LiveCompletion.Run(async (context, token) => await NetworkListing.Networks.ListAsync(context, false, token).ConfigureAwait(false), fakeBoundParameters);
            return LiveCompletion.Complete((networks ?? Array.Empty<SwarmNetwork>()).Where(n => !n.Ingress).Select(n => n.Name), wordToComplete, "network");
        }
    }
}
