using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Turns what a user types or pipes into containers: a service name, a container name, node/name,
    /// each with wildcards, or SwarmContainer objects. One rule for Get, Log and Remove.
    /// </summary>
    internal static class ContainerResolver
    {
        /// <summary>The containers that match any of <paramref name="names"/>, and the plain names (no wildcard) that matched none.</summary>
        internal static (IReadOnlyList<SwarmContainer> Matches, IReadOnlyList<string> Missing) Select(IReadOnlyList<SwarmContainer> containers, IEnumerable<string> names)
        {
            var matches = new List<SwarmContainer>();
            var missing = new List<string>();
            foreach (string name in names)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                List<SwarmContainer> found = containers.Where(c => Matches(c, pattern)).ToList();
                if (found.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    missing.Add(name);
                }

                matches.AddRange(found.Where(c => !matches.Contains(c)));
            }

            return (matches, missing);
        }

        /// <summary>Containers on nodes matching any of <paramref name="nodes"/> (hostname or address, wildcards allowed).</summary>
        internal static IEnumerable<SwarmContainer> OnNodes(IEnumerable<SwarmContainer> containers, IEnumerable<string> nodes)
        {
            var patterns = nodes.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
            return containers.Where(c => patterns.Any(p => p.IsMatch(c.Node) || p.IsMatch(c.Address)));
        }

        /// <summary>The one container a single-container command means: a running one first, then the newest.</summary>
        internal static SwarmContainer? Preferred(IEnumerable<SwarmContainer> matches) => matches
            .OrderByDescending(c => c.State == "running")
            .ThenByDescending(c => c.Created)
            .FirstOrDefault();

        private static bool Matches(SwarmContainer container, WildcardPattern pattern) =>
            pattern.IsMatch(container.Name) || pattern.IsMatch(container.ContainerName) || pattern.IsMatch(container.ToString());
    }
}
