using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Workloads;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes a container's standard output and error, read from the node it runs on.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SwarmContainerLog", DefaultParameterSetName = NameSet)]
    [OutputType(typeof(string))]
    public sealed class GetSwarmContainerLogCommand : ClusterCmdlet
    {
        private const string NameSet = "Name";
        private const string ObjectSet = "InputObject";

        /// <summary>The container (service) name.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>A container as Get-SwarmContainer returns it.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public SwarmContainer? InputObject { get; set; }

        /// <summary>Only the last N lines.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int? Tail { get; set; }

        /// <summary>Keep writing new lines until Ctrl+C.</summary>
        [Parameter]
        public SwitchParameter Follow { get; set; }

        protected override void ProcessRecord()
        {
            ClusterContext context = ResolveContext();
            SwarmContainer? container = InputObject;
            if (container == null)
            {
                IReadOnlyList<SwarmContainer> all = Array.Empty<SwarmContainer>();
                RunAsync(async channel => all = await Workloads.ListAsync(context, true, true, NullReporter.Instance, StopToken).ConfigureAwait(false));

                // A running container first: an old stopped one of the same service is rarely what is meant.
                container = ContainerResolver.Preferred(ContainerResolver.Select(all, new[] { Name }).Matches);
                if (container == null)
                {
                    WriteError(ErrorRecords.From(new SwarmException("ContainerNotFound", SwarmErrorKind.ObjectNotFound, $"No container named '{Name}' in cluster '{context.Name}'."), Name));
                    return;
                }
            }

            SwarmContainer target = container;
            RunAsync(channel => Workloads.StreamLogsAsync(context, target, Tail, Follow.IsPresent, channel.WriteObject, channel.ReporterFor(target.ToString(), "Reading logs"), StopToken));
        }
    }
}
