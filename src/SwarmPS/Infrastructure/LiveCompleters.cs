using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using System.Threading.Tasks;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Sessions;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Tls;

namespace SwarmPS.Infrastructure
{
    /// <summary>
    /// Reads completion values from the live cluster, briefly: a slow or absent manager gives no
    /// completions rather than a hanging Tab key.
    /// </summary>
    internal static class LiveCompletion
    {
        private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

        internal static IReadOnlyList<SwarmNode> Nodes(IDictionary fakeBoundParameters)
        {
            return Run(async (context, token) => await ClusterCmdlet.Service.GetNodesAsync(context, token).ConfigureAwait(false), fakeBoundParameters)
                ?? Array.Empty<SwarmNode>();
        }

        internal static IReadOnlyList<string> Images(IDictionary fakeBoundParameters)
        {
            return Run(async (context, token) => await ClusterCmdlet.Workloads.ImageTagsAsync(context, token).ConfigureAwait(false), fakeBoundParameters) ?? Array.Empty<string>();
        }

        internal static IEnumerable<CompletionResult> Complete(IEnumerable<string> values, string wordToComplete, string tooltip)
        {
            string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return values
                .Where(v => v.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                .Distinct(StringComparer.Ordinal)
                .Select(v => new CompletionResult(v.Contains(' ') ? $"'{v}'" : v, v, CompletionResultType.ParameterValue, $"{tooltip} {v}"));
        }

        internal static T? Run<T>(Func<ClusterContext, CancellationToken, Task<T>> read, IDictionary fakeBoundParameters)
            where T : class
        {
            try
            {
                SessionStore sessions = SessionRegistry.Current;
                var repository = ClusterCmdlet.Repository;
                string? name = fakeBoundParameters["Cluster"] as string ?? repository.Current;
                if (name == null || !repository.Exists(name))
                {
                    return null;
                }

                ClusterRecord record = repository.Load(name);
                var identity = new Lazy<TlsIdentity>(TlsIdentity.FromStateDirectory);
                var engines = new EngineOpener(sessions, () => identity.Value);
                using var timeout = new CancellationTokenSource(Budget);
                Task<T> task = Task.Run(async () =>
                {
                    ClusterContext context = await ClusterContext.ResolveAsync(record, repository, engines, NullReporter.Instance, timeout.Token).ConfigureAwait(false);
                    return await read(context, timeout.Token).ConfigureAwait(false);
                });
                return task.Wait(Budget) ? task.Result : null;
            }
            catch (Exception)
            {
                // Completion must never throw at the user.
                return null;
            }
        }
    }

    /// <summary>Completes node names (Get-SwarmNode -Name, Set-SwarmNode, New-SwarmContainer -Node ...) from the current cluster.</summary>
    public sealed class NodeNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            LiveCompletion.Complete(LiveCompletion.Nodes(fakeBoundParameters).Select(n => n.Hostname), wordToComplete, "node");
    }

    /// <summary>Completes label filters (key=value) from the labels the current cluster's nodes have.</summary>
    public sealed class LabelCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            LiveCompletion.Complete(LiveCompletion.Nodes(fakeBoundParameters).SelectMany(n => n.Labels.Select(l => $"{l.Key}={l.Value}")), wordToComplete, "label");
    }

    /// <summary>Completes constraints: key==value for every label, node.hostname==, node.role==.</summary>
    public sealed class ConstraintCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IReadOnlyList<SwarmNode> nodes = LiveCompletion.Nodes(fakeBoundParameters);
            IEnumerable<string> values = nodes.SelectMany(n => n.Labels.Select(l => $"{l.Key}=={l.Value}"))
                .Concat(nodes.SelectMany(n => n.Labels.Select(l => $"node.labels.{l.Key}=={l.Value}")))
                .Concat(nodes.Select(n => $"node.hostname=={n.Hostname}"))
                .Concat(new[] { "node.role==manager", "node.role==worker" })
                .Where(Parses);
            return LiveCompletion.Complete(values, wordToComplete, "constraint");
        }

        private static bool Parses(string constraint)
        {
            try
            {
                Engine.Workloads.ConstraintParser.Parse(constraint);
                return true;
            }
            catch (SwarmException)
            {
                return false;
            }
        }
    }

    /// <summary>Completes image names present on the current cluster's nodes.</summary>
    public sealed class ImageNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            LiveCompletion.Complete(LiveCompletion.Images(fakeBoundParameters), wordToComplete, "image");
    }

    /// <summary>Completes host names with the hosts connected in this session.</summary>
    public sealed class HostNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                SessionStore sessions = SessionRegistry.Current;
                return LiveCompletion.Complete(sessions.Hosts.Select(h => h.Name).Concat(sessions.Engines.Select(e => e.Name)), wordToComplete, "host");
            }
            catch (InvalidOperationException)
            {
                return Array.Empty<CompletionResult>();
            }
        }
    }
}
