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
        internal static (IReadOnlyList<SwarmContainer> Matches, IReadOnlyList<string> Missing) Select(IReadOnlyList<SwarmContainer> containers, IEnumerable<string> names) =>
            Select(containers, names, Matches);

        /// <summary>The service names that match any of <paramref name="names"/>, each once, and the plain names that matched none.</summary>
        internal static (IReadOnlyList<string> Matches, IReadOnlyList<string> Missing) SelectServices(IReadOnlyList<string> services, IEnumerable<string> names) =>
            Select(services, names, (service, pattern) => pattern.IsMatch(service));

        private static (IReadOnlyList<T> Matches, IReadOnlyList<string> Missing) Select<T>(IReadOnlyList<T> items, IEnumerable<string> names, Func<T, WildcardPattern, bool> matches)
        {
            var selected = new List<T>();
            var missing = new List<string>();
            foreach (string name in names)
            {
                var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                List<T> found = items.Where(item => matches(item, pattern)).ToList();
                if (found.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    missing.Add(name);
                }

                selected.AddRange(found.Where(item => !selected.Contains(item)));
            }

            return (selected, missing);
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
