using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Workloads;

namespace SwarmPS.Engine.Storage
{
    /// <summary>
    /// A bind mount's source must exist on the node its container lands on, or swarm rejects the task there ("bind
    /// source path does not exist") and tries again for ever. So before anything changes, every node the container
    /// may land on is asked, in parallel, whether it has each source.
    /// </summary>
    public static class BindSources
    {
        /// <summary>BindSourceNotFound naming the nodes that lack a source; a node whose engine does not answer is skipped with a warning.</summary>
        public static async Task RequireAsync(ClusterContext context, string container, IEnumerable<Mount>? mounts, IReadOnlyList<NodeFacts> eligible, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            List<string> sources = (mounts ?? Array.Empty<Mount>()).Where(m => m.Type == "bind" && !string.IsNullOrEmpty(m.Source)).Select(m => m.Source!).Distinct(StringComparer.Ordinal).ToList();
            if (sources.Count == 0)
            {
                return;
            }

            reporter.Verbose($"Checking that {string.Join(", ", sources)} exist{(sources.Count == 1 ? "s" : string.Empty)} on {string.Join(", ", eligible.Select(n => n.Hostname))}, where '{container}' may run.");
            IEnumerable<Task<IEnumerable<(string Source, string Node)>>> perNode = eligible.Select(async node =>
            {
                ClusterMember? member = context.MemberOfNode(node.Id);
                if (member == null)
                {
                    reporter.Warning($"Cannot check the bind mount sources on {node.Hostname}: it is not a saved member of cluster '{context.Name}', so its engine cannot be reached.");
                    return Enumerable.Empty<(string, string)>();
                }

                try
                {
                    IDockerEngine engine = await context.Engines.OpenAsync(EngineOpener.EndpointOf(member), reporter, cancellationToken).ConfigureAwait(false);
                    var missing = new List<(string, string)>();
                    foreach (string source in sources)
                    {
                        if (!await engine.HostPathExistsAsync(source, cancellationToken).ConfigureAwait(false))
                        {
                            missing.Add((source, node.Hostname));
                        }
                    }

                    return missing;
                }
                catch (SwarmException failure)
                {
                    reporter.Warning($"Cannot check the bind mount sources on {node.Hostname}: {failure.Message}");
                    return Enumerable.Empty<(string, string)>();
                }
            });

            List<(string Source, string Node)> absent = (await Task.WhenAll(perNode).ConfigureAwait(false)).SelectMany(m => m).ToList();
            if (absent.Count == 0)
            {
                return;
            }

            string which = string.Join("; ", absent.GroupBy(a => a.Source, StringComparer.Ordinal)
                .Select(g => $"{g.Key} is missing on {string.Join(", ", g.Select(a => a.Node).OrderBy(n => n, StringComparer.OrdinalIgnoreCase))}"));
            string have = string.Join(", ", eligible.Select(n => n.Hostname).Except(absent.Select(a => a.Node), StringComparer.Ordinal));
            throw new SwarmException("BindSourceNotFound", SwarmErrorKind.ObjectNotFound,
                $"A bind mount's source must exist on every node '{container}' may run on: {which}. Create it there (mkdir -p on the node), "
                + (have.Length > 0 ? $"or place the container where it exists (-Constraint node.hostname=={have.Split(", ")[0]})." : "or use a named volume (-Volume NAME:/path) instead."),
                container);
        }
    }
}
