using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Storage;

namespace SwarmPS.Infrastructure
{
    /// <summary>The volumes of the cluster's members, every member asked in parallel with a progress bar each, for Get- and Remove-SwarmVolume.</summary>
    internal static class VolumeListing
    {
        internal static VolumeService Volumes { get; } = new VolumeService();

        /// <summary>
        /// The volumes on the members whose hostname (or saved name) matches one of <paramref name="nodes"/> (all when
        /// null), by node and name. A member that does not answer is an error for that member; the others are listed.
        /// </summary>
        internal static IReadOnlyList<SwarmVolume> List(SwarmCmdlet cmdlet, ClusterContext context, string[]? nodes)
        {
            List<WildcardPattern>? patterns = nodes?.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
            IReadOnlyList<ClusterMember> members = VolumeService.MembersOn(context, patterns == null ? null : name => patterns.Any(p => p.IsMatch(name)));
            var found = new ConcurrentBag<SwarmVolume>();
            cmdlet.RunAsync(async channel => await HostFanOut.RunAsync(channel, members, m => VolumeService.HostnameOf(context, m), "Listing volumes", HostFanOut.DefaultThrottleLimit,
                async (member, reporter, token) =>
                {
                    foreach (SwarmVolume volume in await Volumes.ListOnMemberAsync(context, member, reporter, token).ConfigureAwait(false))
                    {
                        found.Add(volume);
                    }

                    return null;
                }, cmdlet.StopToken).ConfigureAwait(false));
            return found.OrderBy(v => v.Node, StringComparer.OrdinalIgnoreCase).ThenBy(v => v.Name, StringComparer.Ordinal).ToList();
        }

        /// <summary>The volumes whose name matches one of <paramref name="names"/> (wildcards allowed), and the plain names that matched none.</summary>
        internal static (IReadOnlyList<SwarmVolume> Matches, IReadOnlyList<string> Missing) Select(IReadOnlyList<SwarmVolume> volumes, IEnumerable<string> names)
        {
            var selected = new List<SwarmVolume>();
            var missing = new List<string>();
            foreach (string name in names)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                List<SwarmVolume> matching = volumes.Where(v => pattern.IsMatch(v.Name)).ToList();
                if (matching.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    missing.Add(name);
                }

                selected.AddRange(matching.Where(v => !selected.Contains(v)));
            }

            return (selected, missing);
        }
    }
}
