using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using SwarmPS.Engine.Cluster;
using SwarmPS.Engine.Docker;
using SwarmPS.Engine.Workloads;
using SwarmPS.Infrastructure;

namespace SwarmPS.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes a container's standard output and error, each line led by node/name: a service's replicas merged through the manager, one task, or a container outside the swarm from its node.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "SwarmContainerLog", DefaultParameterSetName = NameSet)]
    [OutputType(typeof(string))]
    public sealed class GetSwarmContainerLogCommand : ClusterCmdlet
    {
        private const string NameSet = "Name";
        private const string ObjectSet = "InputObject";

        /// <summary>A service name (every replica), a container name or node/name (that container only).</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = NameSet)]
        [ValidateNotNullOrEmpty]
        public string Name { get; set; } = string.Empty;

        /// <summary>A container as Get-SwarmContainer returns it: that container's lines only.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = ObjectSet)]
        public SwarmContainer? InputObject { get; set; }

        /// <summary>Only the last N lines (of each replica).</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int? Tail { get; set; }

        /// <summary>Only lines written since this time; also takes a duration back from now, such as 10m or 1h30m.</summary>
        [Parameter]
        [SinceArgumentTransformation]
        public DateTime? Since { get; set; }

        /// <summary>Each line starts with the time it was written.</summary>
        [Parameter]
        public SwitchParameter Timestamps { get; set; }

        /// <summary>Keep writing new lines until Ctrl+C.</summary>
        [Parameter]
        public SwitchParameter Follow { get; set; }

        protected override void ProcessRecord()
        {
            ClusterContext context = ResolveContext();
            SwarmContainer? container = InputObject;

            // A piped container is that one task; a service made with -NoWait has no task yet, so it means them all.
            bool everyReplica = container != null && string.IsNullOrEmpty(container.TaskId);
            if (container == null)
            {
                (container, everyReplica) = FindByName(context);
                if (container == null)
                {
                    WriteError(ErrorRecords.From(new SwarmException("ContainerNotFound", SwarmErrorKind.ObjectNotFound, $"No container named '{Name}' in cluster '{context.Name}'."), Name));
                    return;
                }
            }

            var options = new LogOptions
            {
                Tail = Tail,
                // A time without a zone is local time, as PowerShell reads one typed in.
                Since = Since is DateTime since ? new DateTimeOffset(since) : null,
                Timestamps = Timestamps.IsPresent,
                Follow = Follow.IsPresent,
            };
            SwarmContainer target = container;
            RunAsync(channel => Workloads.StreamLogsAsync(context, target, everyReplica, options, channel.WriteObject, channel.ReporterFor(target.ToString(), "Reading logs"), StopToken));
        }

        /// <summary>
        /// The service of that name (every replica), else the one container the name means, a running one first:
        /// the manager's tasks are searched before the members are asked for containers outside the swarm.
        /// </summary>
        private (SwarmContainer? Container, bool EveryReplica) FindByName(ClusterContext context)
        {
            IReadOnlyList<SwarmContainer> matches = Array.Empty<SwarmContainer>();
            RunAsync(async channel =>
            {
                IOperationReporter reporter = channel.ReporterFor(context.Name, "Finding the container");
                matches = ContainerResolver.Select(await Workloads.ListAsync(context, true, false, reporter, StopToken).ConfigureAwait(false), new[] { Name }).Matches;
                if (matches.Count == 0 && context.Manager != null)
                {
                    matches = ContainerResolver.Select(await Workloads.ListStandaloneAsync(context, true, reporter, StopToken).ConfigureAwait(false), new[] { Name }).Matches;
                }
            });

            SwarmContainer? service = ContainerResolver.Preferred(matches.Where(c => c.ServiceId.Length > 0 && string.Equals(c.Name, Name, StringComparison.OrdinalIgnoreCase)));
            return service != null ? (service, true) : (ContainerResolver.Preferred(matches), false);
        }
    }
}
