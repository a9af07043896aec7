using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Stacks;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes the Compose file that describes running containers (swarm services), so an application built with New-SwarmContainer can be kept as code and deployed again with Deploy-SwarmStack or docker stack deploy.</para>
    /// </summary>
    [Cmdlet(VerbsData.ConvertTo, "SwarmStack", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = NameSet)]
    [OutputType(typeof(string), typeof(FileInfo))]
    public sealed class ConvertToSwarmStackCommand : ClusterCmdlet
    {
        private const string NameSet = "Name";
        private const string StackSet = "Stack";
        private const string ObjectSet = "InputObject";

        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        private readonly List<string> names = new List<string>();
        private readonly List<SwarmContainer> containers = new List<SwarmContainer>();
        private string? cluster;
        private bool clusterBound;

        /// <summary>Container (service) names; wildcards allowed. Every service of the cluster (or of -Stack) when omitted. With -Stack, a service's short name (web for app_web) matches too.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = NameSet)]
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = StackSet)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        /// <summary>Containers as Get-SwarmContainer or New-SwarmContainer return them; the replicas of one service give it once.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public SwarmContainer[] InputObject { get; set; } = Array.Empty<SwarmContainer>();

        /// <summary>An existing stack: its services are written, named without the stack's prefix, with the networks and volumes it made.</summary>
        [Parameter(Mandatory = true, ParameterSetName = StackSet)]
        [ValidateNotNullOrEmpty]
        public string Stack { get; set; } = string.Empty;

        /// <summary>Keep the image digest swarm pinned (image:tag@sha256:...), so the file deploys exactly the running image; by default the file names the tag.</summary>
        [Parameter]
        public SwitchParameter KeepDigest { get; set; }

        /// <summary>Write the file here and return it, instead of returning the Compose text.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Replace a file that -Path names and that holds something else.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            // The Compose file is one document: gather every name and container, write it once at the end.
            if (clusterBound && !string.Equals(cluster, Cluster, StringComparison.OrdinalIgnoreCase))
            {
                WriteError(ErrorRecords.InvalidArgument("ClusterMixed",
                    $"One Compose file describes services of one cluster: '{Cluster}' is not '{cluster}'. Convert the containers of each cluster on their own.", Cluster));
                return;
            }

            cluster = Cluster;
            clusterBound = true;
            if (ParameterSetName == ObjectSet)
            {
                foreach (SwarmContainer container in InputObject)
                {
                    if (string.IsNullOrEmpty(container.ServiceId))
                    {
                        WriteError(ErrorRecords.InvalidArgument("ContainerNotAService",
                            $"'{container}' was started outside swarm (docker run), and a stack holds swarm services only. Run it with New-SwarmContainer to keep it in a stack.", container));
                        continue;
                    }

                    containers.Add(container);
                }
            }
            else if (Name != null)
            {
                names.AddRange(Name);
            }
        }

        protected override void EndProcessing()
        {
            if (!clusterBound || (ParameterSetName == ObjectSet && containers.Count == 0))
            {
                return;
            }

            ClusterContext context = ResolveContext();
            var request = new StackExportRequest(
                ParameterSetName == ObjectSet ? Array.Empty<string>() : names.Count == 0 ? null : names.Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
                containers.Select(c => c.ServiceId).Distinct(StringComparer.Ordinal).ToList(),
                ParameterSetName == StackSet ? Stack : null,
                (pattern, name) => new WildcardPattern(pattern, WildcardOptions.IgnoreCase).IsMatch(name),
                KeepDigest.IsPresent);
            StackConversion? conversion = null;
            RunAsync(async channel => conversion = await new StackExporter().ConvertAsync(context, request, WildcardPattern.ContainsWildcardCharacters,
                channel.ReporterFor(context.Name, "Converting to a Compose file"), StopToken).ConfigureAwait(false));

            StackServiceSelection selection = conversion!.Selection;
            foreach (string name in selection.MissingNames)
            {
                string where = request.Stack == null ? $"cluster '{context.Name}'" : $"stack '{request.Stack}'";
                WriteError(ErrorRecords.From(new SwarmException("ContainerNotFound", SwarmErrorKind.ObjectNotFound,
                    $"No container named '{name}' runs in {where}; nothing was written. Get-SwarmContainer lists them.", name), name));
            }

            foreach (SwarmContainer container in selection.MissingServiceIds.Select(id => containers.First(c => c.ServiceId == id)))
            {
                WriteError(ErrorRecords.From(new SwarmException("ContainerNotFound", SwarmErrorKind.ObjectNotFound,
                    $"The service of '{container}' is no longer in cluster '{context.Name}'; nothing was written. Get-SwarmContainer lists what runs.", container.Name), container));
            }

            if (conversion.Export is not StackExport export)
            {
                return;
            }

            foreach (string warning in export.Warnings)
            {
                WriteWarning(warning);
            }

            if (Path == null)
            {
                WriteObject(export.Yaml);
                return;
            }

            WriteFile(GetUnresolvedProviderPathFromPSPath(Path), export);
        }

        private void WriteFile(string path, StackExport export)
        {
            try
            {
                bool exists = File.Exists(path);
                if (exists && File.ReadAllText(path, Utf8) == export.Yaml)
                {
                    WriteVerbose($"{path} already holds this Compose file; nothing to change.");
                    WriteObject(new FileInfo(path));
                    return;
                }

                if (exists && !Force.IsPresent)
                {
                    WriteError(ErrorRecords.From(new SwarmException("FileExists", SwarmErrorKind.ResourceExists,
                        $"The file '{path}' exists and holds something else; nothing was written. Give -Force to replace it, or another -Path."), path));
                    return;
                }

                string what = $"{(exists ? "Replace" : "Create")} the Compose file of {string.Join(", ", export.Services)}";
                if (!ShouldProcess(path, what))
                {
                    return;
                }

                WriteVerbose($"Writing {path}.");
                File.WriteAllText(path, export.Yaml, Utf8);
                WriteObject(new FileInfo(path));
            }
            catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or NotSupportedException)
            {
                WriteError(new ErrorRecord(failure, "StackFileWriteFailed", ErrorCategory.WriteError, path));
            }
        }
    }
}
