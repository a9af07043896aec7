using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Docker.DotNet.Models;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;

namespace SwarmPS.Engine.Stacks
{
    /// <summary>
    /// What ConvertTo-SwarmStack was asked to write. <paramref name="Names"/> null means every service (of the stack,
    /// when <paramref name="Stack"/> is given); <paramref name="ServiceIds"/> are the services of piped containers.
    /// <paramref name="Matches"/> says whether a name (which may hold wildcards) matches a service's name.
    /// </summary>
    public sealed record StackExportRequest(IReadOnlyList<string>? Names, IReadOnlyList<string> ServiceIds, string? Stack, Func<string, string, bool> Matches, bool KeepDigest);

    /// <summary>
    /// The services a request picks, each once and ordered by name; the stack whose prefix their names lose (the one
    /// asked for, or the one they all belong to); and the plain names and service ids that found nothing.
    /// </summary>
    public sealed record StackServiceSelection(IReadOnlyList<SwarmService> Services, string? Stack, IReadOnlyList<string> MissingNames, IReadOnlyList<string> MissingServiceIds);

    /// <summary>The selection and, when everything asked for was found, the Compose file written from it.</summary>
    public sealed record StackConversion(StackServiceSelection Selection, StackExport? Export);

    /// <summary>Reads the services, networks and secrets ConvertTo-SwarmStack needs from the manager and hands them to <see cref="StackWriter"/>.</summary>
    public sealed class StackExporter
    {
        /// <summary>
        /// Picks the services of a request. Names match a service's full name, and within a stack its short name too
        /// (web for app_web); a plain name (no wildcard, as <paramref name="isPattern"/> says) that matches nothing is
        /// missing. A stack with no service is StackNotFound.
        /// </summary>
        public static StackServiceSelection Select(IReadOnlyList<SwarmService> services, StackExportRequest request, Func<string, bool> isPattern, string cluster)
        {
            IEnumerable<SwarmService> scope = services.Where(s => s.Spec != null);
            if (request.Stack != null)
            {
                scope = scope.Where(s => StackOf(s) == request.Stack).ToList();
                if (!scope.Any())
                {
                    throw new SwarmException("StackNotFound", SwarmErrorKind.ObjectNotFound,
                        $"No stack named '{request.Stack}' has services in cluster '{cluster}'. Get-SwarmStack lists the stacks.", request.Stack);
                }
            }

            var candidates = scope.ToList();
            var selected = new List<SwarmService>();
            var missingNames = new List<string>();
            var missingIds = new List<string>();
            if (request.Names == null && request.ServiceIds.Count == 0)
            {
                selected.AddRange(candidates);
            }

            foreach (string name in request.Names ?? Array.Empty<string>())
            {
                List<SwarmService> found = candidates.Where(s => request.Matches(name, s.Spec!.Name ?? string.Empty)
                    || (request.Stack != null && request.Matches(name, ShortName(s.Spec.Name ?? string.Empty, request.Stack)))).ToList();
                if (found.Count == 0 && !isPattern(name))
                {
                    missingNames.Add(name);
                }

                selected.AddRange(found);
            }

            foreach (string id in request.ServiceIds)
            {
                SwarmService? found = candidates.FirstOrDefault(s => s.ID == id);
                if (found == null)
                {
                    missingIds.Add(id);
                }
                else
                {
                    selected.Add(found);
                }
            }

            var unique = selected.GroupBy(s => s.ID).Select(g => g.First()).OrderBy(s => s.Spec!.Name, StringComparer.Ordinal).ToList();
            string? stack = request.Stack;
            if (stack == null && unique.Count > 0)
            {
                var stacks = unique.Select(StackOf).Distinct().ToList();
                stack = stacks.Count == 1 ? stacks[0] : null;
            }

            return new StackServiceSelection(unique, stack, missingNames.Distinct().ToList(), missingIds.Distinct().ToList());
        }

        /// <summary>
        /// Selects the services and writes them as a Compose file, unless a name or service asked for is missing (then
        /// nothing is written, so a file never holds part of what was asked). Nothing selected is NoServiceToConvert.
        /// </summary>
        public async Task<StackConversion> ConvertAsync(ClusterContext context, StackExportRequest request, Func<string, bool> isPattern, IOperationReporter reporter, CancellationToken cancellationToken)
        {
            IDockerEngine manager = context.RequireManager();
            reporter.Verbose($"Reading the services of cluster '{context.Name}' from {manager.Name}.");
            IList<SwarmService> services = await manager.ListServicesAsync(null, cancellationToken).ConfigureAwait(false);
            StackServiceSelection selection = Select(services.ToList(), request, isPattern, context.Name);
            if (selection.MissingNames.Count > 0 || selection.MissingServiceIds.Count > 0)
            {
                return new StackConversion(selection, null);
            }

            if (selection.Services.Count == 0)
            {
                string what = request.Names == null ? (request.Stack == null ? "cluster '" + context.Name + "' has no services" : "stack '" + request.Stack + "' has no services")
                    : $"no service matches {string.Join(", ", request.Names)}";
                throw new SwarmException("NoServiceToConvert", SwarmErrorKind.ObjectNotFound, $"Nothing to convert: {what}. Get-SwarmContainer lists what runs.", request.Names?.FirstOrDefault() ?? request.Stack ?? context.Name);
            }

            reporter.Verbose($"Converting {string.Join(", ", selection.Services.Select(s => s.Spec!.Name))}" + (selection.Stack == null ? "." : $" (stack '{selection.Stack}': their names lose the prefix '{selection.Stack}_')."));
            IList<NetworkResponse> networks = await manager.ListNetworksAsync(cancellationToken).ConfigureAwait(false);
            IList<Secret> secrets = await manager.ListSecretsAsync(cancellationToken).ConfigureAwait(false);
            var networkFacts = networks.Select(n => new StackNetworkFacts(n.ID ?? string.Empty, n.Name ?? string.Empty, n.Driver ?? string.Empty, n.Attachable, n.Internal,
                Copy(n.Options), Copy(n.Labels))).ToList();
            var secretFacts = secrets.Where(s => s.Spec != null).Select(s => new StackObjectFacts(s.Spec.Name ?? string.Empty, Copy(s.Spec.Labels))).ToList();
            string origin = $"cluster '{context.Name}'" + (selection.Stack == null ? string.Empty : $", stack '{selection.Stack}'");
            StackExport export = StackWriter.Write(selection.Services.Select(s => s.Spec!).ToList(), selection.Stack, networkFacts, secretFacts, request.KeepDigest, origin);
            return new StackConversion(selection, export);
        }

        private static string? StackOf(SwarmService service) =>
            service.Spec?.Labels != null && service.Spec.Labels.TryGetValue(StackMapper.NamespaceLabel, out string? stack) && !string.IsNullOrEmpty(stack) ? stack : null;

        private static string ShortName(string name, string stack) =>
            name.StartsWith(stack + "_", StringComparison.Ordinal) ? name.Substring(stack.Length + 1) : name;

        private static IReadOnlyDictionary<string, string> Copy(IDictionary<string, string>? pairs) =>
            new Dictionary<string, string>(pairs ?? new Dictionary<string, string>(), StringComparer.Ordinal);
    }
}
