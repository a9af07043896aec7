using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Images;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Copies an image onto the cluster's nodes without a registry: from a docker save archive, or from the Docker engine on this machine.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Copy, "SwarmImage", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
    [OutputType(typeof(SwarmImageCopy))]
    public sealed class CopySwarmImageCommand : ClusterCmdlet
    {
        internal const string PathSet = "Path";
        internal const string ImageSet = "Image";
        private const int DefaultThrottle = 4;

        private readonly List<string> paths = new List<string>();
        private readonly List<string> images = new List<string>();
        private readonly List<string> nodeNames = new List<string>();

        /// <summary>A tar file written by docker save (or an OCI image layout tar), as it is or gzip-compressed.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [Alias("FullName")]
        [ValidateNotNullOrEmpty]
        public string[] Path { get; set; } = Array.Empty<string>();

        /// <summary>An image (name:tag or id) of the Docker engine on this machine, exported as docker save does.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ImageSet)]
        [ValidateNotNullOrEmpty]
        public string[] Image { get; set; } = Array.Empty<string>();

        /// <summary>The local engine for -Image: unix:///path/to/docker.sock or tcp://host:port; DOCKER_HOST or the default socket when omitted.</summary>
        [Parameter(ParameterSetName = ImageSet)]
        [ValidateNotNullOrEmpty]
        public string? DockerHost { get; set; }

        /// <summary>The nodes to copy to: hostnames, ids or addresses, wildcards allowed, or SwarmNode objects piped in. Every node of the cluster when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Hostname")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        [ArgumentCompleter(typeof(NodeNameCompleter))]
        public string[]? Node { get; set; }

        /// <summary>How many nodes receive the image at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = DefaultThrottle;

        protected override void ProcessRecord()
        {
            // Nodes and archives may both come down the pipeline: gather them, copy once at the end, in parallel.
            paths.AddRange(Path);
            images.AddRange(Image);
            nodeNames.AddRange(Node ?? Array.Empty<string>());
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == PathSet)
            {
                // Every archive is read before anything is sent: one that is not an image is refused here.
                var archives = new List<(ImageArchive Archive, string Source)>();
                foreach (string path in paths.Distinct(StringComparer.Ordinal))
                {
                    string full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
                    try
                    {
                        ImageArchive archive = ImageArchive.Read(full);
                        WriteVerbose($"{full}: {archive.Format} archive of {ImageCopier.Size(archive.Length)} with {string.Join(", ", archive.Images.Select(i => $"{i.Reference} ({i.Id})"))}.");
                        archives.Add((archive, full));
                    }
                    catch (SwarmException invalid)
                    {
                        WriteSwarmError(invalid, full);
                    }
                }

                if (archives.Count == 0)
                {
                    return;
                }

                IReadOnlyList<SwarmNode> targets = ResolveTargets(out ClusterContext context);
                foreach ((ImageArchive archive, string source) in archives)
                {
                    Copy(context, targets, archive, source);
                }

                return;
            }

            string host = LocalImageExport.ResolveHost(DockerHost);
            try
            {
                LocalImageExport.ParseHost(host);
            }
            catch (SwarmException unsupported)
            {
                ThrowTerminatingError(ErrorRecords.From(unsupported, host));
            }

            IReadOnlyList<SwarmNode> nodes = ResolveTargets(out ClusterContext cluster);
            foreach (string image in images.Distinct(StringComparer.Ordinal))
            {
                CopyFromLocalEngine(cluster, nodes, host, image);
            }
        }

        /// <summary>The nodes asked for (names, wildcards, piped nodes), or all; a plain name that matches none is an error for it.</summary>
        private IReadOnlyList<SwarmNode> ResolveTargets(out ClusterContext context)
        {
            ClusterContext resolved = ResolveContext();
            context = resolved;
            IReadOnlyList<SwarmNode> all = Array.Empty<SwarmNode>();
            RunAsync(async channel => all = await Service.GetNodesAsync(resolved, StopToken).ConfigureAwait(false));
            if (nodeNames.Count == 0)
            {
                return all;
            }

            var chosen = new List<SwarmNode>();
            foreach (string name in nodeNames.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                List<SwarmNode> matches = WildcardPattern.ContainsWildcardCharacters(name)
                    ? all.Where(n => new WildcardPattern(name, WildcardOptions.IgnoreCase).IsMatch(n.Hostname)).ToList()
                    : all.Where(n => string.Equals(n.Hostname, name, StringComparison.OrdinalIgnoreCase) || n.Id == name || n.Address == name).ToList();
                if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WriteError(ErrorRecords.From(new SwarmException("NodeNotFound", SwarmErrorKind.ObjectNotFound,
                        $"Cluster '{resolved.Name}' has no node '{name}'. Its nodes: {string.Join(", ", all.Select(n => n.Hostname))}."), name));
                }

                chosen.AddRange(matches.Where(m => !chosen.Any(c => c.Id == m.Id)));
            }

            return chosen;
        }

        private void CopyFromLocalEngine(ClusterContext context, IReadOnlyList<SwarmNode> nodes, string host, string image)
        {
            string directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "swarmps-image-" + Guid.NewGuid().ToString("n").Substring(0, 12));
            string file = System.IO.Path.Combine(directory, "image.tar");
            try
            {
                Directory.CreateDirectory(directory);
                bool exported = false;
                RunForTarget(image, "Exporting from the local engine", async reporter =>
                {
                    long bytes = await LocalImageExport.SaveAsync(host, image, file, reporter, StopToken).ConfigureAwait(false);
                    reporter.Verbose($"Exported {ImageCopier.Size(bytes)} to a temporary file.");
                    exported = true;
                    return null;
                });
                if (!exported)
                {
                    return;
                }

                ImageArchive archive;
                try
                {
                    archive = ImageArchive.Read(file);
                }
                catch (SwarmException invalid)
                {
                    WriteSwarmError(invalid, image);
                    return;
                }

                Copy(context, nodes, archive, $"{image} ({host})");
            }
            finally
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // Left in the temp folder; nothing else depends on it.
                }
            }
        }

        /// <summary>Asks every node which images it lacks, asks ShouldProcess for each that lacks any, then loads in parallel.</summary>
        private void Copy(ClusterContext context, IReadOnlyList<SwarmNode> nodes, ImageArchive archive, string source)
        {
            var copier = new ImageCopier();
            string what = string.Join(", ", archive.Images.Select(i => i.Reference));
            var engines = new ConcurrentDictionary<string, IDockerEngine>(StringComparer.Ordinal);
            var lacking = new ConcurrentDictionary<string, IReadOnlyList<ArchiveImage>>(StringComparer.Ordinal);
            RunAsync(channel => HostFanOut.RunAsync(
                channel,
                nodes,
                node => node.Hostname,
                $"Looking for {what} on the nodes",
                ThrottleLimit * 2,
                async (node, reporter, token) =>
                {
                    ClusterMember member = context.MemberOfNode(node.Id)
                        ?? throw new SwarmException("NodeNotReachable", SwarmErrorKind.ObjectNotFound,
                            $"Cluster '{context.Name}' has no saved Engine API address for node {node.Hostname}: it was not added with SwarmPS. Add it with Join-SwarmNode, or load the image on it with docker load.", node.Hostname);
                    IDockerEngine engine = await context.Engines.OpenAsync(EngineOpener.EndpointOf(member), reporter, token).ConfigureAwait(false);
                    engines[node.Hostname] = engine;
                    lacking[node.Hostname] = await copier.MissingAsync(engine, archive, token).ConfigureAwait(false);
                    return null;
                },
                StopToken));

            var approved = new List<SwarmNode>();
            foreach (SwarmNode node in nodes.Where(n => lacking.ContainsKey(n.Hostname)))
            {
                IReadOnlyList<ArchiveImage> missing = lacking[node.Hostname];
                if (missing.Count == 0)
                {
                    WriteVerbose($"[{node.Hostname}] Has {what} with every tag already; nothing to send.");
                    foreach (SwarmImageCopy unchanged in ImageCopier.Unchanged(node.Hostname, archive, source))
                    {
                        WriteObject(unchanged);
                    }

                    continue;
                }

                if (ShouldProcess(node.Hostname, $"Load image {string.Join(", ", missing.Select(i => i.Reference))} ({ImageCopier.Size(archive.Length)} from {source})"))
                {
                    approved.Add(node);
                }
            }

            if (approved.Count == 0)
            {
                return;
            }

            RunAsync(channel => HostFanOut.RunAsync(
                channel,
                approved,
                node => node.Hostname,
                $"Copying {what}",
                ThrottleLimit,
                async (node, reporter, token) =>
                    await copier.LoadAsync(engines[node.Hostname], node.Hostname, archive, lacking[node.Hostname], source, reporter, token).ConfigureAwait(false),
                StopToken));
        }
    }
}
